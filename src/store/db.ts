/** Which engine a Db talks to. Both run the same SQL: PGlite is PostgreSQL compiled to WASM, in process. */
export type StoreKind = 'pglite' | 'postgres';

export interface QueryResult<T> {
  rows: T[];
  /** Rows returned by a SELECT, or changed by an INSERT/UPDATE/DELETE; 0 for DDL. */
  rowCount: number;
}

/**
 * The one database handle every domain uses. Values come back the same on both kinds: bigint as a
 * JS number, timestamptz as Date, jsonb parsed, text[] as string[].
 */
export interface Db {
  readonly kind: StoreKind;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of one or more statements, without parameters (migrations, test fixtures). */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws. Use the tx handle
   * inside. tx.transaction(fn) joins the same transaction (no savepoint): catching an inner error does
   * not undo the inner writes, and after a failed statement PostgreSQL refuses the rest of the transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Closes the connection(s); the Db is unusable afterwards. Calling it again is harmless. */
  close(): Promise<void>;
}
