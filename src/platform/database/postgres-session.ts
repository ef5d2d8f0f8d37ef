import pg from "pg";
import { toStoreError } from "./errors.ts";
import type { ListenHandlers, SqlQueryable, SqlSession } from "./sql-session.ts";

/** The subset of a pino logger the store uses. */
export interface StoreLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface PostgresSessionOptions {
  /** A libpq-style URL (`postgresql://user:password@host:port/database?...`). */
  readonly connectionString: string;
  /** @default 10 */
  readonly maxConnections?: number;
  /** How long to wait for a new connection before failing with DatabaseUnavailableError. @default 5000 */
  readonly connectionTimeoutMs?: number;
  /** Idle pooled connections are closed after this long. @default 30000 */
  readonly idleTimeoutMs?: number;
  /** Client-side limit on one query, so a partitioned server cannot hang a reconcile. @default 30000 */
  readonly queryTimeoutMs?: number;
  /** First delay before re-establishing a lost LISTEN connection; doubles per failure. @default 250 */
  readonly listenRetryInitialMs?: number;
  /** @default 10000 */
  readonly listenRetryMaxMs?: number;
  /** @default "osac-vm-gitops" */
  readonly applicationName?: string;
  readonly logger?: StoreLogger;
}

/**
 * A real PostgreSQL server through a `pg` Pool. Idle-connection errors (server restart, network
 * loss) are logged, never thrown, so they cannot crash the process; the next query gets a fresh
 * connection or a DatabaseUnavailableError.
 */
export class PostgresSession implements SqlSession {
  readonly backend = "postgres";
  private readonly pool: pg.Pool;
  private readonly listeners = new Set<PostgresListener>();

  constructor(private readonly options: PostgresSessionOptions) {
    this.pool = new pg.Pool({
      ...clientConfig(options),
      max: options.maxConnections ?? 10,
      idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    });
    this.pool.on("error", (error) => {
      options.logger?.warn({ err: error }, "Closed an idle database connection after an error");
    });
  }

  query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return guard("query", async () => (await this.pool.query<Row & pg.QueryResultRow>(sql, [...params])).rows);
  }

  exec(sql: string): Promise<void> {
    return guard("exec", async () => {
      await this.pool.query(sql);
    });
  }

  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return guard("transaction", async () => {
      const client = await this.pool.connect();
      // The pool stops listening for errors on a client while it is checked out.
      let connectionError: Error | undefined;
      const onError = (error: Error) => {
        connectionError = error;
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const result = await work({
          query: async <Row extends object>(sql: string, params: readonly unknown[] = []) =>
            (await client.query<Row & pg.QueryResultRow>(sql, [...params])).rows,
          exec: async (sql: string) => {
            await client.query(sql);
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          if (!connectionError) await client.query("ROLLBACK");
        } catch (rollbackError) {
          connectionError = rollbackError as Error;
        }
        throw error;
      } finally {
        client.off("error", onError);
        // A broken connection is destroyed rather than returned to the pool.
        client.release(connectionError ?? false);
      }
    });
  }

  async listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`Invalid channel name ${JSON.stringify(channel)}`);
    const listener = new PostgresListener(this.options, channel, handlers);
    await guard("listen", () => listener.start());
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
      await listener.stop();
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((listener) => listener.stop()));
    this.listeners.clear();
    if (!this.pool.ended) await guard("close", () => this.pool.end());
  }
}

/**
 * One dedicated connection that LISTENs (a pooled connection would be handed to other work).
 * When the connection is lost it is re-established with exponential backoff, and the owner is
 * told that notifications may have been missed meanwhile.
 */
class PostgresListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;

  constructor(
    private readonly options: PostgresSessionOptions,
    private readonly channel: string,
    private readonly handlers: ListenHandlers,
  ) {
    this.retryDelayMs = options.listenRetryInitialMs ?? 250;
  }

  async start(): Promise<void> {
    const client = new pg.Client(clientConfig(this.options));
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, undefined));
    client.on("notification", (message) => {
      if (message.channel === this.channel) this.handlers.onNotification(message.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      client.end().catch(() => undefined); // already failing; the connect error is the one that matters
      throw error;
    }
    // Events of a client that is not `this.client` are ignored, so a failed attempt cannot schedule
    // a second reconnect.
    this.client = client;
    if (this.stopped) await this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    // `end()` on a dead connection rejects; the connection is gone either way.
    if (client) await client.end().catch(() => undefined);
  }

  private lost(client: pg.Client, error: Error | undefined): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined); // already broken
    this.options.logger?.warn(
      { err: error, channel: this.channel, retryInMs: this.retryDelayMs },
      "Lost the database connection that listens for state changes",
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.reconnectTimer = setTimeout(() => {
      this.start().then(
        () => {
          this.retryDelayMs = this.options.listenRetryInitialMs ?? 250;
          this.options.logger?.info({ channel: this.channel }, "Re-established the database connection that listens for state changes");
          this.handlers.onReconnected();
        },
        () => {
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.options.listenRetryMaxMs ?? 10_000);
          this.scheduleReconnect();
        },
      );
    }, this.retryDelayMs);
  }
}

function clientConfig(options: PostgresSessionOptions): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    query_timeout: options.queryTimeoutMs ?? 30_000,
    application_name: options.applicationName ?? "osac-vm-gitops",
    keepAlive: true,
  };
}

async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error, operation);
  }
}
