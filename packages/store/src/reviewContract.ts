/**
 * Test helper: the review page's part of the store contract (storeContract.ts registers it):
 * the review queue, the documents that need a person, review changes with their audit rows,
 * approved-only export, users and sessions. Not part of the package build (see tsconfig.json).
 */
import { expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import type { ProjectSelfEval } from "@jixiao/schemas";
import { collect, type Store } from "./Store.js";
import { assessmentRecord, documentWith, expectCode, projectRecord, randomSha256 } from "./storeFixtures.js";

/** Registers the review tests; `withStore` runs a test with a freshly opened store, then closes it. */
export function reviewContract(withStore: <T>(fn: (store: Store) => Promise<T>) => Promise<T>): void {
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
      expect(mine[1]!.flags.map((f) => f.code)).toEqual(["scores_do_not_sum"]);
      expect(q.total).toBe(q.counts.pending);
      const filtered = await store.reviewQueue({ office: "测试部门甲", year: 2031, kind: "project_self_eval", flag: "scores_do_not_sum" });
      expect(filtered.items.map((i) => i.documentSha256)).toEqual([other]);
      expect(filtered.counts).toEqual({ pending: 1, approved: 0, corrected: 0 });
      expect((await store.reviewQueue({ office: "测试部门甲", kind: "department_self_eval" })).total).toBe(0);
      const facets = await store.reviewFacets();
      expect(facets.offices).toContain("测试部门甲");
      expect(facets.years).toContain(2031);
      expect(facets.flagCodes).toContain("scores_do_not_sum");
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
      expect((await store.listFlags({ documentSha256: sha })).map((f) => f.code)).toEqual(["cell_joined_across_pages"]);
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

  it("changes a user's password (keeping the role, ending the sessions) and removes a user", () =>
    withStore(async (store) => {
      const name = `u${randomSha256().slice(0, 12)}`;
      const other = `${name}-other`;
      await store.putUser({ name, role: "admin", passwordHash: "scrypt$old" });
      await store.putUser({ name: other, role: "viewer", passwordHash: "scrypt$o" });
      const session = randomSha256();
      const otherSession = randomSha256();
      await store.createSession(session, { userName: name, role: "admin", csrfToken: "c" }, 60_000);
      await store.createSession(otherSession, { userName: other, role: "viewer", csrfToken: "c" }, 60_000);

      expect(await store.setUserPassword(name, "scrypt$new")).toBe(true);
      expect(await store.getUser(name)).toEqual({ name, role: "admin", passwordHash: "scrypt$new" });
      expect(await store.getSession(session)).toBeNull();
      expect(await store.setUserPassword(`${name}-nope`, "h")).toBe(false);

      await store.createSession(session, { userName: name, role: "admin", csrfToken: "c" }, 60_000);
      expect(await store.removeUser(name)).toBe(true);
      expect(await store.getUser(name)).toBeNull();
      expect(await store.getSession(session)).toBeNull();
      expect(await store.removeUser(name)).toBe(false);
      // Nobody else is touched.
      expect(await store.getUser(other)).toMatchObject({ role: "viewer", passwordHash: "scrypt$o" });
      expect(await store.getSession(otherSession)).toMatchObject({ userName: other });
    }));

}
