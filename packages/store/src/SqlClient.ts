/**
 * The storage port. The Store speaks plain PostgreSQL through this interface and does not know
 * whether an embedded PGlite or a PostgreSQL server sits behind it.
 */
export interface SqlClient {
  /** Runs one statement with positional parameters ($1, $2, …). */
  query<T>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
  /**
   * Runs `fn` inside one transaction: committed if `fn` resolves, rolled back if it throws.
   * Calling `transaction` on the `tx` handle again joins the same transaction (no savepoints).
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Releases the connection(s). Safe to call more than once. */
  close(): Promise<void>;
}
