/**
 * Test helper: the records and documents the store tests save, and a check of a JixiaoError's
 * code. Not part of the package build (see tsconfig.json).
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { JixiaoError } from "@jixiao/core";
import type { ProjectSelfAssessment, ProjectSelfEval } from "@jixiao/schemas";
import type { SaveDocumentInput } from "./documentsStore.js";

export function randomSha256(): string {
  return randomBytes(32).toString("hex");
}

const empty = { initial_budget: null, annual_budget: null, executed: null, weight: null, execution_rate: null, score: null };

/** A project self-evaluation as the pipeline would emit it (content from the sample corpus). */
export function projectRecord(sha256: string, file: string): ProjectSelfEval {
  return {
    kind: "project_self_eval",
    fiscal_year: 2022,
    project_name: "合作交流工作业务费",
    competent_department: "上海市人民政府合作交流办公室",
    implementing_unit: "上海市人民政府驻昆明办事处",
    funds: {
      total: { initial_budget: 636500, annual_budget: 626500, executed: 506745.04, weight: 10, execution_rate: 80.88, score: 8.09 },
      fiscal: { initial_budget: 636500, annual_budget: 626500, executed: 506745.04, weight: null, execution_rate: null, score: null },
      carryover: { ...empty },
      other: { ...empty },
    },
    goals: {
      expected: "通过设立合作交流工作经费项目，确保对口支援工作、援外保障工作、服务企业工作、党委工作以及课题研究项目顺利开展，为完成市委、市政府交办的工作任务提供必要保障。",
      actual: "该项目的实施，为贯彻落实上海市扩大对内开放，畅通沪滇两地政务沟通联络，服务保障援滇干部人才，动员社会力量参与对口支援工作提供了支撑。",
    },
    indicators: [
      {
        level1: "产出指标", level2: "数量指标", name: "赴对口支援地区工作次数", target: "≥60 次", actual: "70 次",
        weight: 10, score: 10, deviation: null, confidence: 0.97,
        target_parsed: { op: ">=", value: 60, unit: "次" }, actual_parsed: { op: null, value: 70, unit: "次" },
      },
      {
        level1: "产出指标", level2: "数量指标", name: "开展服务企业工作的次数", target: "≥50 次", actual: "139 次",
        weight: 10, score: 10, deviation: null, confidence: 0.95,
      },
      {
        level1: "产出指标", level2: "质量指标", name: "完成年度工作质量", target: "完全完成项目预期规模及要点要求",
        actual: "完成项目预期规模及要点要求", weight: 10, score: 10, deviation: null, confidence: 0.9,
      },
    ],
    total: { weight: 100, score: 98.09 },
    source: {
      file,
      sha256,
      pages: [1, 2],
      provenance: {
        project_name: [{ page: 1, bbox: { x0: 112.5, y0: 140.25, x1: 420, y1: 152.75 }, unit: "pt" }],
        "funds.total.executed": [{ page: 1, bbox: { x0: 300, y0: 210, x1: 360, y1: 222 }, unit: "pt" }],
      },
      money_unit: "元",
      confidence: {},
    },
    confidence: 0.93,
    flags: [
      { code: "scores_do_not_sum", severity: "review", path: "total.score", message: "indicator scores add up to 38, total says 98.09" },
      { code: "cell_joined_across_pages", severity: "info", path: "funds.total.executed", message: "read 506,745.04 as 506745.04" },
    ],
    review: { state: "pending", by: null, at: null },
  };
}

/** A project self-assessment form (the other layout), also from the sample corpus. */
export function assessmentRecord(sha256: string, file: string): ProjectSelfAssessment {
  return {
    kind: "project_self_assessment",
    project_name: "“靠普办”移动政务服务平台升级及运营服务项目",
    budget_unit: "上海市普陀区人民政府办公室",
    implementing_office: null,
    recurring: false,
    budget_current_year: 994350,
    budget_previous_year: 0,
    executed: 993950,
    execution_rate: 99.96,
    annual_goal: "“靠普办”在对原有的服务功能进行升级优化的基础上，整合各委办政务服务移动端各类应用。",
    evaluation_date: "2022-03-10",
    grade: "优",
    achievements: "一是建设随申办市民云-普陀区旗舰店，于2020年10月上线。",
    problems: "对服务的效果还需要进一步分析改进",
    improvements: "进一步开展面对用户的调查，将用户的需求融入下一步修改完善中。",
    indicators: [
      { level1: "产出指标", level1_weight: 45, name: "资金到位率", explanation: null, weight: 10, score: 10, note: null, confidence: 0.99 },
      {
        level1: "产出指标", level1_weight: 45, name: "预算执行率", explanation: "预算执行率是对预算执行情况进行考核的指标",
        weight: 10, score: 10, note: null, confidence: 0.88,
      },
    ],
    total: { weight: 100, score: 98 },
    source: { file, sha256, pages: [3], provenance: {}, money_unit: "元", confidence: {} },
    confidence: 0.88,
    flags: [],
    review: { state: "approved", by: "li.wei", at: "2026-01-05T09:30:00.000Z" },
  };
}

export function documentWith(sha256: string, file: string, overrides: Partial<SaveDocumentInput> = {}): SaveDocumentInput {
  return {
    sha256,
    file,
    inputKind: "pdf",
    status: "succeeded",
    pageCount: 3,
    error: null,
    records: [projectRecord(sha256, file), assessmentRecord(sha256, file)],
    ...overrides,
  };
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<JixiaoError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JixiaoError);
  expect((err as JixiaoError).code).toBe(code);
  return err as JixiaoError;
}
