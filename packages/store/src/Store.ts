import type { DocumentStatus, JxRecord, Page, RecordKind } from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import { migrations } from "./migrations.js";
import type { StoredDocument } from "./storeRows.js";
import * as documents from "./documentsStore.js";
import * as queueState from "./queueState.js";
import * as reviewQueue from "./reviewQueue.js";
import * as audit from "./audit.js";
import * as users from "./users.js";

/**
 * Documents, their records and flags, queue mode's document states, the review queue, the review
 * audit trail, and the review server's users. Identical SQL for PGlite and PostgreSQL; the backend
 * is whatever SqlClient it is given (see openStore).
 *
 * Each concern lives in its own module, as functions of the SqlClient; the methods here hand them
 * this store's client, and their full documentation is there:
 * - documentsStore.ts: saving a processed file's document and records; reading documents,
 *   records and flags back.
 * - queueState.ts: queue mode's document states and intermediate page models.
 * - reviewQueue.ts: what the review page reads (queue, documents to look at, filters, a record).
 * - audit.ts: a person's change to a record with its audit row, and the audit trail.
 * - users.ts: users and sessions of the review server.
 * - reviewState.ts and storeRows.ts: what these share (flag resolutions, a document's row).
 */
export class Store {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  /** Creates or upgrades the tables. Idempotent; concurrent callers are serialised. Returns the schema version. */
  async migrate(): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await tx.query(
        `SELECT pg_advisory_xact_lock(hashtext('jixiao.store.migrate:' || coalesce(current_schema(), '')))`,
      );
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_version (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM schema_version`);
      let current = rows[0]?.version ?? 0;
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query(`INSERT INTO schema_version (version) VALUES ($1::int) ON CONFLICT DO NOTHING`, [
          migration.version,
        ]);
        current = migration.version;
      }
      return current;
    });
  }

  // Documents, records, flags (documentsStore.ts).

  /** Writes a document and replaces all its records and flags, in one transaction. */
  saveDocument(doc: documents.SaveDocumentInput, options: documents.SaveDocumentOptions = {}): Promise<{ inserted: boolean; skipped?: true }> {
    return documents.saveDocument(this.#db, doc, options);
  }

  /** Several documents by hash (missing ones are left out), in file-name order. */
  getDocuments(sha256s: readonly string[]): Promise<StoredDocument[]> {
    return documents.getDocuments(this.#db, sha256s);
  }

  getDocument(sha256: string): Promise<StoredDocument | null> {
    return documents.getDocument(this.#db, sha256);
  }

  /** Documents in file-name order, optionally only those with one status or unchanged for a while. */
  listDocuments(options: { status?: DocumentStatus; unchangedForMs?: number } = {}): Promise<StoredDocument[]> {
    return documents.listDocuments(this.#db, options);
  }

  /** Number of documents per status; every status is present (0 when none). */
  countByStatus(): Promise<Record<DocumentStatus, number>> {
    return documents.countByStatus(this.#db);
  }

  /** Stored records in (file name, sha256, ordinal) order, fetched in batches. */
  listRecords(options: documents.ListRecordsOptions = {}): AsyncGenerator<JxRecord, void, undefined> {
    return documents.listRecords(this.#db, options);
  }

  /** Flags of stored records (e.g. everything that needs review), in record order. */
  listFlags(options: documents.ListFlagsOptions = {}): Promise<documents.StoredFlag[]> {
    return documents.listFlags(this.#db, options);
  }

  // Queue mode (queueState.ts).

  /** Sets a document's status (creating the row if needed) without touching its records. */
  markDocument(sha256: string, file: string, status: DocumentStatus, patch: queueState.DocumentPatch = {}): Promise<{ inserted: boolean }> {
    return queueState.markDocument(this.#db, sha256, file, status, patch);
  }

  /** Records a submission: a new document is queued, a finished one only with `reprocess`. */
  queueDocument(sha256: string, file: string, path: string, options: { reprocess?: boolean } = {}): Promise<{ queued: boolean; document: StoredDocument }> {
    return queueState.queueDocument(this.#db, sha256, file, path, options);
  }

  /** A worker takes a document; false, changing nothing, when it is already finished. */
  claimDocument(sha256: string, file: string, path: string): Promise<boolean> {
    return queueState.claimDocument(this.#db, sha256, file, path);
  }

  /** Stores page models extracted by page jobs (replacing a page stored before). */
  savePages(sha256: string, pages: readonly Page[]): Promise<void> {
    return queueState.savePages(this.#db, sha256, pages);
  }

  /** Puts a document that is unfinished and unchanged for `unchangedForMs` back to queued. */
  requeueDocument(sha256: string, unchangedForMs: number): Promise<boolean> {
    return queueState.requeueDocument(this.#db, sha256, unchangedForMs);
  }

  /** The stored page models of a document, in page order. */
  loadPages(sha256: string): Promise<Page[]> {
    return queueState.loadPages(this.#db, sha256);
  }

  /** Which page numbers of a document are stored. */
  pageNumbers(sha256: string): Promise<number[]> {
    return queueState.pageNumbers(this.#db, sha256);
  }

  // The review page (reviewQueue.ts, audit.ts).

  /** Records a person should look at (those with review flags), worst confidence first. */
  reviewQueue(filter: reviewQueue.ReviewQueueFilter = {}): Promise<reviewQueue.ReviewQueue> {
    return reviewQueue.reviewQueue(this.#db, filter);
  }

  /** Documents that need a person: failed or partial ones, and those with records pending review. */
  reviewDocuments(options: { limit?: number; offset?: number } = {}): Promise<{ total: number; items: reviewQueue.ReviewDocument[] }> {
    return reviewQueue.reviewDocuments(this.#db, options);
  }

  /** The values the review queue's filters can take. */
  reviewFacets(): Promise<{ flagCodes: string[]; offices: string[]; years: number[]; kinds: RecordKind[] }> {
    return reviewQueue.reviewFacets(this.#db);
  }

  /** One stored record by its row id, with its document's page sizes and source path. */
  getRecord(id: number): Promise<reviewQueue.StoredRecord | null> {
    return reviewQueue.getRecord(this.#db, id);
  }

  /** One stored record by its document and ordinal (0-based, as the export numbers it): stable across re-processing. */
  getRecordAt(documentSha256: string, ordinal: number): Promise<reviewQueue.StoredRecord | null> {
    return reviewQueue.getRecordAt(this.#db, documentSha256, ordinal);
  }

  /** A person's change to one record, with its audit row, in one transaction. */
  reviewRecord(id: number, reviewer: string, change: (current: reviewQueue.StoredRecord) => audit.ReviewChange): Promise<reviewQueue.StoredRecord> {
    return audit.reviewRecord(this.#db, id, reviewer, change);
  }

  /** The review audit trail in (file name, sha256, ordinal, id) order. */
  listReviews(options: { documentSha256?: string } = {}): Promise<audit.StoredReview[]> {
    return audit.listReviews(this.#db, options);
  }

  // Users and sessions (users.ts).

  /** Adds a user, or (replace) changes an existing user's role and password hash. */
  putUser(user: users.StoredUser, options: { replace?: boolean } = {}): Promise<{ created: boolean }> {
    return users.putUser(this.#db, user, options);
  }

  getUser(name: string): Promise<users.StoredUser | null> {
    return users.getUser(this.#db, name);
  }

  /** Changes a user's password hash, keeping the role; the user's sessions end. False when there is no such user. */
  setUserPassword(name: string, passwordHash: string): Promise<boolean> {
    return users.setUserPassword(this.#db, name, passwordHash);
  }

  /** Removes a user and ends their sessions. False when there is no such user. */
  removeUser(name: string): Promise<boolean> {
    return users.removeUser(this.#db, name);
  }

  listUsers(): Promise<{ name: string; role: users.UserRole }[]> {
    return users.listUsers(this.#db);
  }

  /** Stores a session under the hash of its secret id; expired sessions are dropped on the way. */
  createSession(idHash: string, session: Omit<users.StoredSession, "expiresAt">, ttlMs: number): Promise<void> {
    return users.createSession(this.#db, idHash, session, ttlMs);
  }

  /** A live session; a session whose user was removed or changed role is not returned. */
  getSession(idHash: string): Promise<users.StoredSession | null> {
    return users.getSession(this.#db, idHash);
  }

  deleteSession(idHash: string): Promise<void> {
    return users.deleteSession(this.#db, idHash);
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

/** Drains an async iterable into an array (Array.fromAsync is not in Node 20). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
