import type { SqlClient } from "./SqlClient.js";
import { invalid, iso } from "./storeRows.js";

// Users of the review server and their sessions.

export type UserRole = "admin" | "reviewer" | "viewer";

export interface StoredUser {
  name: string;
  role: UserRole;
  passwordHash: string;
}

export interface StoredSession {
  userName: string;
  role: UserRole;
  csrfToken: string;
  expiresAt: string;
}

/** Adds a user, or (replace) changes an existing user's role and password hash. */
export async function putUser(db: SqlClient, user: StoredUser, options: { replace?: boolean } = {}): Promise<{ created: boolean }> {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(user.name)) throw invalid(`user name ${JSON.stringify(user.name)}: use 1–64 letters, digits, . _ @ -`);
  if (!["admin", "reviewer", "viewer"].includes(user.role)) throw invalid(`unknown role ${JSON.stringify(user.role)}`);
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO users (name, role, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash
     WHERE $4::boolean
     RETURNING (xmax = 0) AS inserted`,
    [user.name, user.role, user.passwordHash, options.replace === true],
  );
  if (rows.length === 0) throw invalid(`user ${user.name} exists already`);
  return { created: rows[0]?.inserted === true };
}

export async function getUser(db: SqlClient, name: string): Promise<StoredUser | null> {
  const { rows } = await db.query<{ name: string; role: UserRole; password_hash: string }>(
    `SELECT name, role, password_hash FROM users WHERE name = $1`,
    [name],
  );
  const row = rows[0];
  return row ? { name: row.name, role: row.role, passwordHash: row.password_hash } : null;
}

/** Changes a user's password hash, keeping the role; the user's sessions end. False when there is no such user. */
export async function setUserPassword(db: SqlClient, name: string, passwordHash: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ name: string }>(`UPDATE users SET password_hash = $2 WHERE name = $1 RETURNING name`, [name, passwordHash]);
    if (rows.length === 0) return false;
    await tx.query(`DELETE FROM sessions WHERE user_name = $1`, [name]);
    return true;
  });
}

/** Removes a user and ends their sessions (their review trail stays, under their name). False when there is no such user. */
export async function removeUser(db: SqlClient, name: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ name: string }>(`DELETE FROM users WHERE name = $1 RETURNING name`, [name]);
    if (rows.length === 0) return false;
    await tx.query(`DELETE FROM sessions WHERE user_name = $1`, [name]);
    return true;
  });
}

export async function listUsers(db: SqlClient): Promise<{ name: string; role: UserRole }[]> {
  const { rows } = await db.query<{ name: string; role: UserRole }>(`SELECT name, role FROM users ORDER BY name`);
  return rows;
}

/** Stores a session under the hash of its secret id; expired sessions are dropped on the way. */
export async function createSession(db: SqlClient, idHash: string, session: Omit<StoredSession, "expiresAt">, ttlMs: number): Promise<void> {
  await db.query(`DELETE FROM sessions WHERE expires_at < now()`);
  await db.query(
    `INSERT INTO sessions (id_hash, user_name, role, csrf_token, expires_at)
     VALUES ($1, $2, $3, $4, now() + $5::double precision * interval '1 millisecond')`,
    [idHash, session.userName, session.role, session.csrfToken, ttlMs],
  );
}

/** A live session; a session whose user was removed or changed role is not returned. */
export async function getSession(db: SqlClient, idHash: string): Promise<StoredSession | null> {
  const { rows } = await db.query<{ user_name: string; role: UserRole; csrf_token: string; expires_at: Date | string }>(
    `SELECT s.user_name, s.role, s.csrf_token, s.expires_at FROM sessions s
     WHERE s.id_hash = $1 AND s.expires_at > now()
       AND (s.user_name = 'admin-token'
            OR EXISTS (SELECT 1 FROM users u WHERE u.name = s.user_name AND u.role = s.role))`,
    [idHash],
  );
  const row = rows[0];
  return row ? { userName: row.user_name, role: row.role, csrfToken: row.csrf_token, expiresAt: iso(row.expires_at) } : null;
}

export async function deleteSession(db: SqlClient, idHash: string): Promise<void> {
  await db.query(`DELETE FROM sessions WHERE id_hash = $1`, [idHash]);
}
