export type { SqlClient } from "./SqlClient.js";
export { pgliteClient, type PgliteClientOptions } from "./pgliteClient.js";
export { postgresClient, type PostgresClientOptions } from "./postgresClient.js";
export { isConnectionError, toStoreError } from "./toStoreError.js";
export {
  Store,
  FINISHED_STATUSES,
  collect,
  isFinished,
  reviewFlagStates,
  reviewStateFrom,
  type FlagResolution,
  type FlagResolutionKind,
  type ReviewFlagState,
  type DocumentError,
  type DocumentPatch,
  type ListFlagsOptions,
  type ListRecordsOptions,
  type SaveDocumentInput,
  type SaveDocumentOptions,
  type StoredDocument,
  type StoredFlag,
  type StoredReview,
  type PageGeometry,
  type ReviewChange,
  type ReviewDocument,
  type ReviewQueue,
  type ReviewQueueFilter,
  type ReviewQueueItem,
  type ReviewStateName,
  type StoredRecord,
  type StoredSession,
  type StoredUser,
  type UserRole,
} from "./Store.js";
export { openStore, type StoreConfig } from "./openStore.js";
export { migrations } from "./migrations.js";
export { lockPathOf, describeOwner, tryLockStore, type StoreOwner } from "./storeLock.js";
export { shareStore, sharedStoreClient, type ShareClientInfo, type StoreShare } from "./storeShare.js";
