/**
 * Test helper: the behaviour every Store backend must show. Store.test.ts (PGlite on disk) and
 * Store.pg.test.ts (PostgreSQL) both call storeContract, so both run the identical assertions.
 * Not part of the package build (see tsconfig.json).
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { JxRecord, type ProjectSelfAssessment, type ProjectSelfEval } from "@jixiao/schemas";
import { collect, type SaveDocumentInput, type Store } from "./Store.js";

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
      { code: "total_mismatch", severity: "review", path: "total.score", message: "indicator scores add up to 38, total says 98.09" },
      { code: "number_repaired", severity: "info", path: "funds.total.executed", message: "read 506,745.04 as 506745.04" },
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

async function expectCode(promise: Promise<unknown>, code: string): Promise<JixiaoError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JixiaoError);
  expect((err as JixiaoError).code).toBe(code);
  return err as JixiaoError;
}

/**
 * Registers the contract tests. `open` must return a new Store over the SAME storage each time
 * (same data directory / same schema), already migrated. Tests use random sha256s, so they do
 * not depend on the storage being empty.
 */
export function storeContract(open: () => Promise<Store>): void {
  async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await open();
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  it("migrates idempotently", () =>
    withStore(async (store) => {
      expect(await store.migrate()).toBe(4);
      expect(await store.migrate()).toBe(4);
    }));

  it("saves a document with two records and reads them back unchanged", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const doc = documentWith(sha, "001_合作交流.pdf");
      expect(await store.saveDocument(doc)).toEqual({ inserted: true });

      const stored = await store.getDocument(sha);
      expect(stored).toMatchObject({
        sha256: sha,
        file: "001_合作交流.pdf",
        inputKind: "pdf",
        status: "succeeded",
        pageCount: 3,
        error: null,
        recordCount: 2,
      });
      expect(Date.parse(stored!.createdAt)).not.toBeNaN();

      const records = await collect(store.listRecords({ documentSha256: sha }));
      expect(records).toStrictEqual(doc.records);
      // Same JSON text too: keys come back in schema order, numbers and strings untouched.
      expect(JSON.stringify(records)).toBe(JSON.stringify(doc.records));
      for (const r of records) expect(JxRecord.safeParse(r).success).toBe(true);

      const flags = await store.listFlags({ documentSha256: sha });
      expect(flags).toEqual([
        { documentSha256: sha, file: doc.file, ordinal: 0, ...doc.records[0]!.flags[0]! },
        { documentSha256: sha, file: doc.file, ordinal: 0, ...doc.records[0]!.flags[1]! },
      ]);
      expect(await store.listFlags({ documentSha256: sha, severity: "review" })).toHaveLength(1);
    }));

  it("saving the same sha256 again replaces the document: no duplicates", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const doc = documentWith(sha, "a.pdf");
      await store.saveDocument(doc);
      const first = await store.getDocument(sha);

      expect(await store.saveDocument(doc)).toEqual({ inserted: false });
      const changed = documentWith(sha, "a.pdf", { status: "partial" });
      (changed.records[0] as ProjectSelfEval).project_name = "合作交流工作业务费（更正）";
      expect(await store.saveDocument(changed)).toEqual({ inserted: false });

      const docs = (await store.listDocuments()).filter((d) => d.sha256 === sha);
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ status: "partial", recordCount: 2, createdAt: first!.createdAt });
      const records = await collect(store.listRecords({ documentSha256: sha }));
      expect(records).toStrictEqual(changed.records);
      expect(await store.listFlags({ documentSha256: sha })).toHaveLength(2);
    }));

  it("rejects an invalid record with INVALID_PAYLOAD and leaves the stored version unchanged", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const doc = documentWith(sha, "b.pdf");
      await store.saveDocument(doc);
      const before = await store.getDocument(sha);

      const bad = projectRecord(sha, "b.pdf") as unknown as { confidence: number };
      bad.confidence = 1.7;
      const err = await expectCode(
        store.saveDocument(documentWith(sha, "b.pdf", { status: "partial", records: [assessmentRecord(sha, "b.pdf"), bad as never] })),
        "INVALID_PAYLOAD",
      );
      expect(err.message).toMatch(/record 1 .*confidence/);

      // A record claiming another file's hash is rejected too.
      await expectCode(
        store.saveDocument(documentWith(sha, "b.pdf", { records: [projectRecord(randomSha256(), "b.pdf")] })),
        "INVALID_PAYLOAD",
      );
      // So is a bad document field.
      await expectCode(store.saveDocument(documentWith("nothex", "b.pdf")), "INVALID_PAYLOAD");

      expect(await store.getDocument(sha)).toEqual(before);
      expect(await collect(store.listRecords({ documentSha256: sha }))).toStrictEqual(doc.records);
      expect(await store.getDocument("0".repeat(64))).toBeNull();
    }));

  it("keeps data when the storage is opened again", async () => {
    const sha = randomSha256();
    const doc = documentWith(sha, "c.pdf");
    await withStore((store) => store.saveDocument(doc));
    await withStore(async (store) => {
      expect(await store.getDocument(sha)).toMatchObject({ status: "succeeded", recordCount: 2 });
      expect(await collect(store.listRecords({ documentSha256: sha }))).toStrictEqual(doc.records);
    });
  });

  it("tracks queue status with markDocument and counts documents by status", () =>
    withStore(async (store) => {
      const before = await store.countByStatus();
      expect(Object.keys(before).sort()).toEqual(["failed", "partial", "processing", "queued", "succeeded"]);

      const [q1, q2, ok, bad] = [randomSha256(), randomSha256(), randomSha256(), randomSha256()];
      expect(await store.markDocument(q1, "q1.pdf", "queued")).toEqual({ inserted: true });
      await store.markDocument(q2, "q2.pdf", "queued");
      await store.markDocument(ok, "ok.pdf", "queued");
      await store.markDocument(ok, "ok.pdf", "processing", { inputKind: "image", pageCount: 3 });
      expect(await store.getDocument(ok)).toMatchObject({ status: "processing", inputKind: "image", pageCount: 3, recordCount: 0 });
      await store.saveDocument(documentWith(ok, "ok.pdf"));
      await store.markDocument(bad, "bad.pdf", "failed", {
        inputKind: "pdf",
        error: { code: "ENCRYPTED_PDF", message: "PDF is encrypted" },
      });

      expect(await store.getDocument(q1)).toMatchObject({ status: "queued", inputKind: null, pageCount: null, error: null });
      expect(await store.getDocument(bad)).toMatchObject({
        status: "failed",
        inputKind: "pdf",
        error: { code: "ENCRYPTED_PDF", message: "PDF is encrypted" },
      });

      const after = await store.countByStatus();
      expect(after.queued - before.queued).toBe(2);
      expect(after.processing - before.processing).toBe(0);
      expect(after.succeeded - before.succeeded).toBe(1);
      expect(after.failed - before.failed).toBe(1);
      expect(after.partial - before.partial).toBe(0);

      const failed = await store.listDocuments({ status: "failed" });
      expect(failed.map((d) => d.sha256)).toContain(bad);
      expect(failed.every((d) => d.status === "failed")).toBe(true);

      // A retry: status changes, the error is kept unless cleared, records are never touched.
      await store.markDocument(bad, "bad.pdf", "queued");
      expect((await store.getDocument(bad))!.error).not.toBeNull();
      await store.markDocument(bad, "bad.pdf", "processing", { error: null });
      expect(await store.getDocument(bad)).toMatchObject({ status: "processing", error: null, inputKind: "pdf" });
      await store.markDocument(ok, "ok.pdf", "succeeded");
      expect((await store.getDocument(ok))!.recordCount).toBe(2);
    }));

  it("stores a failed document with its error and no records", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      await store.saveDocument(
        documentWith(sha, "broken.pdf", {
          status: "failed",
          pageCount: 0,
          error: { code: "TRUNCATED_PDF", message: "PDF is truncated at byte 1024" },
          records: [],
        }),
      );
      expect(await store.getDocument(sha)).toMatchObject({
        status: "failed",
        recordCount: 0,
        error: { code: "TRUNCATED_PDF", message: "PDF is truncated at byte 1024" },
      });
      await expectCode(
        store.saveDocument(documentWith(sha, "broken.pdf", { error: { code: "NOPE" as never, message: "x" } })),
        "INVALID_PAYLOAD",
      );
    }));

  it("lists records in file/ordinal order across batches, optionally only approved ones", () =>
    withStore(async (store) => {
      const shas = [randomSha256(), randomSha256(), randomSha256()];
      const files = ["zz-b.pdf", "zz-a.pdf", "zz-B.pdf"];
      for (const [i, sha] of shas.entries()) await store.saveDocument(documentWith(sha, files[i]!));
      const mine = new Set(shas);

      const all = (await collect(store.listRecords({ batchSize: 1 }))).filter((r) => mine.has(r.source.sha256));
      // Byte order of file names ("B" < "a" < "b"), then position in the file.
      expect(all.map((r) => `${r.source.file}:${r.kind}`)).toEqual([
        "zz-B.pdf:project_self_eval",
        "zz-B.pdf:project_self_assessment",
        "zz-a.pdf:project_self_eval",
        "zz-a.pdf:project_self_assessment",
        "zz-b.pdf:project_self_eval",
        "zz-b.pdf:project_self_assessment",
      ]);
      expect((await collect(store.listRecords())).filter((r) => mine.has(r.source.sha256))).toStrictEqual(all);

      const approved = (await collect(store.listRecords({ approvedOnly: true }))).filter((r) => mine.has(r.source.sha256));
      expect(approved).toHaveLength(3);
      expect(approved.every((r) => r.review.state === "approved")).toBe(true);
    }));

  it("two concurrent saves of the same sha256 end as one document", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const two = documentWith(sha, "race.pdf");
      const one = documentWith(sha, "race.pdf", { status: "partial", records: [projectRecord(sha, "race.pdf")] });
      const results = await Promise.all([store.saveDocument(two), store.saveDocument(one)]);
      expect(results.map((r) => r.inserted).sort()).toEqual([false, true]);

      expect((await store.listDocuments()).filter((d) => d.sha256 === sha)).toHaveLength(1);
      const doc = (await store.getDocument(sha))!;
      const records = await collect(store.listRecords({ documentSha256: sha }));
      // Whichever save committed last wins, completely: its status and exactly its records.
      const winner = doc.status === "partial" ? one : two;
      expect(records).toStrictEqual(winner.records);
      expect(doc.recordCount).toBe(winner.records.length);
    }));

  it("queue mode: queues a document once, claims it, keeps page models until the document is saved", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const first = await store.queueDocument(sha, "q.pdf", "/shared/q.pdf");
      expect(first.queued).toBe(true);
      expect(first.document).toMatchObject({ status: "queued", path: "/shared/q.pdf", recordCount: 0 });
      // A second submission while it is in flight changes nothing.
      expect((await store.queueDocument(sha, "q.pdf", "/shared/q.pdf")).queued).toBe(false);
      expect(await store.claimDocument(sha, "q.pdf", "/shared/q.pdf")).toBe(true);
      expect((await store.getDocument(sha))!.status).toBe("processing");
      const page = (n: number) => ({
        number: n, width: 595, height: 842, unit: "pt" as const, origin: "top-left" as const,
        items: [{ text: `第${n}页\u0000`, bbox: { x0: 0.1, y0: 1 / 3, x1: 2, y1: 3 }, confidence: 1, origin: "pdf-text" as const }],
        rulings: [], tables: [],
      });
      await store.savePages(sha, [page(2)]);
      await store.savePages(sha, [page(1), page(2)]); // a retried page job replaces its page
      expect(await store.pageNumbers(sha)).toEqual([1, 2]);
      expect(await store.loadPages(sha)).toStrictEqual([page(1), page(2)]);
      await store.saveDocument(documentWith(sha, "q.pdf"));
      expect(await store.pageNumbers(sha)).toEqual([]);
      // Finished: not claimed again, not queued again unless asked.
      expect(await store.claimDocument(sha, "q.pdf", "/shared/q.pdf")).toBe(false);
      expect((await store.queueDocument(sha, "q.pdf", "/shared/q.pdf")).queued).toBe(false);
      expect((await store.getDocument(sha))!.status).toBe("succeeded");
      const again = await store.queueDocument(sha, "q.pdf", "/elsewhere/q.pdf", { reprocess: true });
      expect(again.queued).toBe(true);
      expect(again.document).toMatchObject({ status: "queued", path: "/elsewhere/q.pdf", recordCount: 2, error: null });
      expect((await store.listDocuments({ status: "queued", unchangedForMs: 60_000 })).map((d) => d.sha256)).not.toContain(sha);
      expect((await store.listDocuments({ status: "queued", unchangedForMs: 0 })).map((d) => d.sha256)).toContain(sha);
      expect(await store.requeueDocument(sha, 60_000)).toBe(false); // changed just now
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.requeueDocument(sha, 1)).toBe(true);
      expect((await store.getDocuments([sha, randomSha256()])).map((d) => [d.sha256, d.status])).toEqual([[sha, "queued"]]);
      await store.saveDocument(documentWith(sha, "q.pdf"));
      expect(await store.requeueDocument(sha, 0)).toBe(false); // finished documents stay finished
    }));

  it("keeps a document's source path and page sizes for the review page", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const pageGeometry = [{ number: 1, width: 595.3, height: 841.9, unit: "pt" as const }, { number: 2, width: 2480, height: 3508, unit: "px" as const, skewDegrees: -1.25 }];
      await store.saveDocument(documentWith(sha, "geo.pdf", { path: "/data/geo.pdf", pageGeometry }));
      const id = (await store.reviewQueue({ state: "all", limit: 500 })).items.find((i) => i.documentSha256 === sha)!.id;
      expect(await store.getRecord(id)).toMatchObject({ documentSha256: sha, ordinal: 0, kind: "project_self_eval", state: "pending", pages: pageGeometry, sourcePath: "/data/geo.pdf", inputKind: "pdf" });
      // Saved again without them (e.g. by an older worker): they are kept.
      await store.saveDocument(documentWith(sha, "geo.pdf"));
      const again = (await store.reviewQueue({ state: "all", limit: 500 })).items.find((i) => i.documentSha256 === sha)!.id;
      expect((await store.getRecord(again))!.pages).toEqual(pageGeometry);
      await expectCode(store.saveDocument(documentWith(sha, "geo.pdf", { pageGeometry: [{ number: 0, width: 1, height: 1, unit: "pt" }] })), "INVALID_PAYLOAD");
      expect(await store.getRecord(-1)).toBeNull();
    }));

  it("queues records with review flags, worst confidence first, filtered and counted", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const other = randomSha256();
      await store.saveDocument(documentWith(sha, "queue.pdf"));
      const low = { ...projectRecord(other, "queue2.pdf"), confidence: 0.2, fiscal_year: 2031, competent_department: "测试部门甲" };
      await store.saveDocument(documentWith(other, "queue2.pdf", { records: [low] }));
      const q = await store.reviewQueue({ limit: 500 });
      const mine = q.items.filter((i) => i.documentSha256 === sha || i.documentSha256 === other);
      // The project record has a review flag; the assessment has none and is not queued.
      expect(mine.map((i) => [i.file, i.kind, i.confidence])).toEqual([
        ["queue2.pdf", "project_self_eval", 0.2],
        ["queue.pdf", "project_self_eval", 0.93],
      ]);
      expect(mine[1]).toMatchObject({ title: "合作交流工作业务费", office: "上海市人民政府合作交流办公室", year: 2022, state: "pending" });
      expect(mine[1]!.flags.map((f) => f.code)).toEqual(["total_mismatch"]);
      expect(q.total).toBe(q.counts.pending);
      const filtered = await store.reviewQueue({ office: "测试部门甲", year: 2031, kind: "project_self_eval", flag: "total_mismatch" });
      expect(filtered.items.map((i) => i.documentSha256)).toEqual([other]);
      expect(filtered.counts).toEqual({ pending: 1, approved: 0, corrected: 0 });
      expect((await store.reviewQueue({ office: "测试部门甲", kind: "department_self_eval" })).total).toBe(0);
      const facets = await store.reviewFacets();
      expect(facets.offices).toContain("测试部门甲");
      expect(facets.years).toContain(2031);
      expect(facets.flagCodes).toContain("total_mismatch");
      await expectCode(store.reviewQueue({ limit: 0 }), "INVALID_PAYLOAD");
    }));

  it("lists the documents that need a person: failed, partial, or with records pending review", () =>
    withStore(async (store) => {
      const flagged = randomSha256();
      const clean = randomSha256();
      const failed = randomSha256();
      await store.saveDocument(documentWith(flagged, "docs-flagged.pdf"));
      await store.saveDocument(documentWith(clean, "docs-clean.pdf", { records: [assessmentRecord(clean, "docs-clean.pdf")] }));
      await store.saveDocument(documentWith(failed, "docs-failed.pdf", { status: "failed", records: [], error: { code: "NO_FORM_FOUND", message: "no form" } }));
      const all = await store.reviewDocuments({ limit: 1000 });
      const mine = all.items.filter((d) => [flagged, clean, failed].includes(d.sha256));
      expect(mine.map((d) => [d.file, d.status, d.pendingRecords])).toEqual([
        ["docs-failed.pdf", "failed", 0],
        ["docs-flagged.pdf", "succeeded", 1],
      ]);
      expect(mine[0]!.error).toEqual({ code: "NO_FORM_FOUND", message: "no form" });
      expect(all.total).toBeGreaterThanOrEqual(2);
      // Failed documents come first.
      const firstOk = all.items.findIndex((d) => d.status !== "failed");
      expect(all.items.slice(firstOk).some((d) => d.status === "failed")).toBe(false);
      const q = await store.reviewQueue({ documentSha256: flagged, state: "all" });
      expect(q.items.map((i) => i.documentSha256)).toEqual([flagged]);
      await expectCode(store.reviewDocuments({ limit: 0 }), "INVALID_PAYLOAD");
    }));

  it("applies a review change with its audit row in one transaction", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      await store.saveDocument(documentWith(sha, "review.pdf"));
      const id = (await store.reviewQueue({ limit: 500 })).items.find((i) => i.documentSha256 === sha)!.id;
      const before = (await store.getRecord(id))!;
      // A change that throws writes nothing.
      await expect(store.reviewRecord(id, "li.wei", () => { throw new JixiaoError("STALE_VALUE", "changed"); })).rejects.toThrow("changed");
      // A change that produces an invalid record is refused.
      await expectCode(store.reviewRecord(id, "li.wei", (cur) => ({ record: { ...cur.record, confidence: 7 }, action: "correct", fieldPath: "confidence", before: 0.93, after: 7 })), "VALIDATION_FAILED");
      expect(await store.getRecord(id)).toStrictEqual(before);
      expect(await store.listReviews({ documentSha256: sha })).toEqual([]);
      await expectCode(store.reviewRecord(987654321, "li.wei", (cur) => ({ record: cur.record, action: "approve", fieldPath: "", before: null, after: null })), "RECORD_NOT_FOUND");

      const after = await store.reviewRecord(id, "li.wei", (cur) => {
        const r = cur.record as ProjectSelfEval;
        return {
          record: { ...r, project_name: "改正后的名称", flags: r.flags.filter((f) => f.severity === "info"), review: { state: "corrected", by: "li.wei", at: "2026-11-22T10:00:00.000Z" } },
          action: "correct", fieldPath: "project_name", before: r.project_name, after: "改正后的名称",
        };
      });
      expect(after.state).toBe("corrected");
      expect((after.record as ProjectSelfEval).project_name).toBe("改正后的名称");
      // The flag index follows the record: no review flag left, so it leaves the queue.
      expect((await store.listFlags({ documentSha256: sha })).map((f) => f.code)).toEqual(["number_repaired"]);
      expect((await store.reviewQueue({ state: "all", limit: 500 })).items.some((i) => i.id === id)).toBe(false);
      const trail = await store.listReviews({ documentSha256: sha });
      expect(trail).toHaveLength(1);
      expect(trail[0]).toMatchObject({ documentSha256: sha, file: "review.pdf", ordinal: 0, recordId: id, action: "correct", fieldPath: "project_name", before: "合作交流工作业务费", after: "改正后的名称", reviewer: "li.wei" });
      expect(Date.parse(trail[0]!.at)).toBeGreaterThan(0);
      // Re-processing replaces the record; the trail stays, detached from the old row id.
      await store.saveDocument(documentWith(sha, "review.pdf"));
      expect((await store.listReviews({ documentSha256: sha }))[0]).toMatchObject({ recordId: null, fieldPath: "project_name" });
    }));

  it("exports as approved-only the records with no open review", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const clean = { ...projectRecord(sha, "open.pdf"), flags: [] };
      await store.saveDocument(documentWith(sha, "open.pdf", { records: [projectRecord(sha, "open.pdf"), clean] }));
      const approved = (await collect(store.listRecords({ approvedOnly: true, documentSha256: sha })));
      // The flagged pending record is held back; the pending one without review flags is not.
      expect(approved).toHaveLength(1);
      expect(approved[0]!.flags).toEqual([]);
    }));

  it("keeps users with hashed passwords and sessions by hash, with expiry", () =>
    withStore(async (store) => {
      const name = `u${randomSha256().slice(0, 12)}`;
      expect(await store.putUser({ name, role: "reviewer", passwordHash: "scrypt$x" })).toEqual({ created: true });
      await expectCode(store.putUser({ name, role: "viewer", passwordHash: "scrypt$y" }), "INVALID_PAYLOAD");
      await expectCode(store.putUser({ name: "bad name!", role: "viewer", passwordHash: "h" }), "INVALID_PAYLOAD");
      await expectCode(store.putUser({ name: "x", role: "root" as never, passwordHash: "h" }), "INVALID_PAYLOAD");
      expect(await store.getUser(name)).toEqual({ name, role: "reviewer", passwordHash: "scrypt$x" });
      expect(await store.getUser(`${name}-nope`)).toBeNull();

      const live = randomSha256();
      const expired = randomSha256();
      await store.createSession(live, { userName: name, role: "reviewer", csrfToken: "c1" }, 60_000);
      await store.createSession(expired, { userName: name, role: "reviewer", csrfToken: "c2" }, -1);
      expect(await store.getSession(live)).toMatchObject({ userName: name, role: "reviewer", csrfToken: "c1" });
      expect(await store.getSession(expired)).toBeNull();
      // A role change ends the sessions opened under the old role.
      expect(await store.putUser({ name, role: "viewer", passwordHash: "scrypt$z" }, { replace: true })).toEqual({ created: false });
      expect(await store.getSession(live)).toBeNull();
      const next = randomSha256();
      await store.createSession(next, { userName: name, role: "viewer", csrfToken: "c3" }, 60_000);
      expect((await store.getSession(next))!.role).toBe("viewer");
      await store.deleteSession(next);
      expect(await store.getSession(next)).toBeNull();
    }));

  it("reports STORE_UNAVAILABLE once closed", async () => {
    const store = await open();
    await store.close();
    await store.close(); // closing twice is fine
    await expectCode(store.getDocument(randomSha256()), "STORE_UNAVAILABLE");
  });
}
