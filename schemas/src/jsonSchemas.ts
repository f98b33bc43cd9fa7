import { z } from "zod";
import { DocumentModel, Page } from "./page.js";
import { JxRecord, ProjectSelfEval, DepartmentSelfEval, ProjectSelfAssessment, Flag } from "./record.js";
import { IntakeJob, PageJob, AssembleJob } from "./jobs.js";
import { ReportsRow, FundsTableRow, IndicatorsRow, FlagsRow, ReviewsRow, ExportManifest } from "./exportTables.js";

/** The schemas published as JSON Schema, by file stem. */
export const publishedSchemas = {
  record: JxRecord,
  project_self_eval: ProjectSelfEval,
  department_self_eval: DepartmentSelfEval,
  project_self_assessment: ProjectSelfAssessment,
  flag: Flag,
  page: Page,
  document_model: DocumentModel,
  job_intake: IntakeJob,
  job_page: PageJob,
  job_assemble: AssembleJob,
  table_reports: ReportsRow,
  table_funds: FundsTableRow,
  table_indicators: IndicatorsRow,
  table_flags: FlagsRow,
  table_reviews: ReviewsRow,
  export_manifest: ExportManifest,
} as const;

/** Renders every published schema to stable JSON text (2-space indent, trailing newline). */
export function renderJsonSchemas(): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  for (const [name, schema] of Object.entries(publishedSchemas)) {
    const json = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" });
    out[name] = JSON.stringify(json, null, 2) + "\n";
  }
  return out;
}
