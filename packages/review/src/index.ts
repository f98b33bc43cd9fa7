export { createReviewApp, RequestError, SESSION_COOKIE, type ReviewAppOptions } from "./createReviewApp.js";
export { addUser, MIN_PASSWORD_LENGTH, USER_ROLES } from "./addUser.js";
export { hashPassword, verifyPassword } from "./passwords.js";
export { inProcessUploads, queueUploads, type QueueSubmit, type UploadProcessor } from "./uploads.js";
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from "./unzipUpload.js";
export type { UploadOptions } from "./uploadRoutes.js";
