export { createReviewApp, RequestError, SESSION_COOKIE, type ReviewAppOptions } from "./createReviewApp.js";
export { addUser, MIN_PASSWORD_LENGTH, USER_ROLES } from "./addUser.js";
export { hashPassword, verifyPassword } from "./passwords.js";
