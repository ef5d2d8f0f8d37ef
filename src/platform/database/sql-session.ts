/**
 * The little the status store needs from a PostgreSQL driver, so the same SQL runs on embedded
 * PGlite and on a real server through `pg`. Adapters translate every driver error into the error
 * catalogue (`errors.ts`) before it leaves them.
 */
export interface SqlQueryable {
  /** One statement with `$n` parameters (extended protocol); returns the rows. */
  query<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements without parameters (simple protocol), e.g. a migration. */
  exec(sql: string): Promise<void>;
}

export interface ListenHandlers {
  readonly onNotification: (payload: string) => void;
  /** The listening connection was re-established: notifications may have been missed. */
  readonly onReconnected: () => void;
}

export interface SqlSession extends SqlQueryable {
  readonly backend: "pglite" | "postgres";
  /** Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** LISTENs on `channel` until the returned function is called. */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
