import type { SqlSession } from "../../platform/database/sql-session.ts";
import type { StoreLogger } from "../../platform/database/postgres-session.ts";
import { REQUIRED_COLUMNS, SSVIRT_SCHEMA } from "./schema.ts";

/** Where the embedded SSVirt database lives when no SSVIRT_DATABASE_URL is configured. */
export const DEFAULT_SSVIRT_DATA_DIR = ".data-ssvirt";

export interface OpenSsvirtDatabaseOptions {
  /** `SSVIRT_DATABASE_URL`: SSVirt's PostgreSQL. When absent, embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string;
  /** @default ".data-ssvirt" */
  readonly dataDir?: string;
  readonly logger?: StoreLogger;
  /** Client-side limits for PostgreSQL (ignored for PGlite). */
  readonly connectionTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  readonly maxConnections?: number;
}

/** The schema is missing something this project reads or writes. Not retryable: configuration. */
export class SsvirtSchemaError extends Error {
  override readonly name = "SsvirtSchemaError";
}

/**
 * Opens SSVirt's database through the project's SQL sessions: SSVirt's own PostgreSQL, or an
 * embedded PGlite for local use. Only the chosen backend's module is loaded. Does not touch the
 * schema: call `prepareSsvirtSchema`.
 */
export async function openSsvirtDatabase(options: OpenSsvirtDatabaseOptions): Promise<SqlSession> {
  if (options.databaseUrl) {
    const { PostgresSession } = await import("../../platform/database/postgres-session.ts");
    return new PostgresSession({
      connectionString: options.databaseUrl,
      applicationName: "osac-vm-ssvirt",
      ...(options.connectionTimeoutMs ? { connectionTimeoutMs: options.connectionTimeoutMs } : {}),
      ...(options.queryTimeoutMs ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
      ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  const { PgliteSession } = await import("../../platform/database/pglite-session.ts");
  return PgliteSession.open(options.dataDir ?? DEFAULT_SSVIRT_DATA_DIR);
}

/**
 * Makes sure the schema holds what this project uses. The embedded database gets SSVirt's schema
 * when it has none (this project's copy, `schema.ts`); SSVirt's own database is never changed:
 * its schema belongs to SSVirt's `AutoMigrate`. Then every required column is checked.
 * Returns whether the schema was created.
 */
export async function prepareSsvirtSchema(session: SqlSession): Promise<{ created: boolean }> {
  let created = false;
  if (session.backend === "pglite") {
    const [present] = await session.query<{ present: boolean }>("SELECT to_regclass('public.vdcs') IS NOT NULL AS present");
    if (!present?.present) {
      await session.transaction((tx) => tx.exec(SSVIRT_SCHEMA));
      created = true;
    }
  }
  const rows = await session.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1::text[])",
    [Object.keys(REQUIRED_COLUMNS)],
  );
  const present = new Set(rows.map((row) => `${row.table_name}.${row.column_name}`));
  const missing = Object.entries(REQUIRED_COLUMNS).flatMap(([table, columns]) => columns.filter((column) => !present.has(`${table}.${column}`)).map((column) => `${table}.${column}`));
  if (missing.length > 0) {
    throw new SsvirtSchemaError(
      `SSVirt's database lacks ${missing.join(", ")}: point SSVIRT_DATABASE_URL at the database SSVirt's API server migrated (GORM AutoMigrate, SSVirt cc49d4d or later), not at one made from its stale SQL migrations`,
    );
  }
  return { created };
}
