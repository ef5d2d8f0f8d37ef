import type { PostgresSessionOptions, StoreLogger } from "./postgres-session.ts";
import { SqlStatusStore, type StatusStore } from "./status-store.ts";
import type { Migration } from "./migrations.ts";

/** Where the embedded database lives when no DATABASE_URL is configured. */
export const DEFAULT_DATA_DIR = ".data";

export interface OpenStatusStoreOptions {
  /** `DATABASE_URL`: a real PostgreSQL server. When absent, embedded PGlite in `dataDir` is used. */
  readonly databaseUrl?: string;
  /** PGlite data directory (one process at a time). @default ".data" */
  readonly dataDir?: string;
  readonly logger?: StoreLogger;
  /** Pool and LISTEN tuning for PostgreSQL (ignored for PGlite). */
  readonly postgres?: Omit<PostgresSessionOptions, "connectionString" | "logger">;
  /** @default MIGRATIONS */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the status store the configuration names. Does not migrate: call `migrate()` at start-up.
 * A PostgreSQL store opens lazily (the first query connects); PGlite starts its engine here (~3 s).
 * Only the chosen backend's module is loaded (PGlite's alone is ~12 MB of RSS in plain node).
 */
export async function openStatusStore(options: OpenStatusStoreOptions): Promise<StatusStore> {
  const storeOptions = options.migrations ? { migrations: options.migrations } : {};
  if (options.databaseUrl) {
    const { PostgresSession } = await import("./postgres-session.ts");
    const session = new PostgresSession({
      ...options.postgres,
      connectionString: options.databaseUrl,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return new SqlStatusStore(session, storeOptions);
  }
  const { PgliteSession } = await import("./pglite-session.ts");
  return new SqlStatusStore(await PgliteSession.open(options.dataDir ?? DEFAULT_DATA_DIR), storeOptions);
}
