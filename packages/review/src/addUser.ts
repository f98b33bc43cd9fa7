import { JixiaoError } from "@jixiao/core";
import type { Store, UserRole } from "@jixiao/store";
import { hashPassword } from "./passwords.js";

export const USER_ROLES: readonly UserRole[] = ["admin", "reviewer", "viewer"];

/** Minimum password length for review users. */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * Adds a review user with a scrypt-hashed password (only the hash is stored). `replace` changes an
 * existing user's role and password; without it an existing name is an error.
 */
export async function addUser(
  store: Store,
  user: { name: string; password: string; role: UserRole },
  options: { replace?: boolean } = {},
): Promise<{ created: boolean }> {
  if (!USER_ROLES.includes(user.role)) {
    throw new JixiaoError("INVALID_PAYLOAD", `role must be one of ${USER_ROLES.join(", ")}, got ${JSON.stringify(user.role)}`);
  }
  if (typeof user.password !== "string" || [...user.password].length < MIN_PASSWORD_LENGTH) {
    throw new JixiaoError("INVALID_PAYLOAD", `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return store.putUser({ name: user.name, role: user.role, passwordHash: await hashPassword(user.password) }, options);
}
