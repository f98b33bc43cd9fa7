export type { SqlClient } from "./SqlClient.js";
export { pgliteClient, type PgliteClientOptions } from "./pgliteClient.js";
export { postgresClient, type PostgresClientOptions } from "./postgresClient.js";
export { isConnectionError, toStoreError } from "./toStoreError.js";
export { Store, collect } from "./Store.js";
export {
  FINISHED_STATUSES,
  isFinished,
  type DocumentError,
  type PageGeometry,
  type StoredDocument,
} from "./storeRows.js";
export {
  reviewFlagStates,
  reviewStateFrom,
  type FlagResolution,
  type FlagResolutionKind,
  type ReviewFlagState,
  type ReviewStateName,
} from "./reviewState.js";
export {
  type ListFlagsOptions,
  type ListRecordsOptions,
  type SaveDocumentInput,
  type SaveDocumentOptions,
  type StoredFlag,
} from "./documentsStore.js";
export { type DocumentPatch } from "./queueState.js";
export {
  type ReviewDocument,
  type ReviewQueue,
  type ReviewQueueFilter,
  type ReviewQueueItem,
  type StoredRecord,
} from "./reviewQueue.js";
export { type ReviewChange, type StoredReview } from "./audit.js";
export { type StoredSession, type StoredUser, type UserRole } from "./users.js";
export { openStore, type StoreConfig } from "./openStore.js";
export { migrations } from "./migrations.js";
export { lockPathOf, describeOwner, tryLockStore, type StoreOwner } from "./storeLock.js";
export { shareStore, sharedStoreClient, type ShareClientInfo, type StoreShare } from "./storeShare.js";
