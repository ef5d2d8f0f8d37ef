import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseQueryError, DatabaseUnavailableError } from "../../platform/database/errors.ts";
import { openStatusStore } from "../../platform/database/open-status-store.ts";
import type { StatusStore } from "../../platform/database/status-store.ts";
import type { DatabaseView } from "./database-view.ts";

export interface DatabaseChoice {
  /** `--database-url` or DATABASE_URL: a PostgreSQL server. */
  readonly databaseUrl?: string;
  /** The embedded PGlite directory (`--data-dir`, the controller's default `.data`). */
  readonly dataDir: string;
}

/** SQLSTATE undefined_table: the controller never migrated this database. */
const UNDEFINED_TABLE = "42P01";

/**
 * The order's row and history from the status database, read-only. PostgreSQL is queried
 * directly. An embedded PGlite directory may be open in a running controller and PGlite takes no
 * lock, so it is copied and the copy is read. Never throws: what went wrong is the view's note.
 */
export async function readDatabaseView(choice: DatabaseChoice, orderUid: string | undefined): Promise<DatabaseView> {
  const source = choice.databaseUrl ? `PostgreSQL ${describeUrl(choice.databaseUrl)}` : `embedded PGlite at ${resolve(choice.dataDir)}`;
  if (!orderUid) return { source, available: false, note: "the order has no uid", history: [] };
  if (choice.databaseUrl) {
    return readWith(source, () => openStatusStore({ databaseUrl: choice.databaseUrl, postgres: { maxConnections: 1, connectionTimeoutMs: 5_000, queryTimeoutMs: 10_000 } }), orderUid);
  }
  const directory = resolve(choice.dataDir);
  if (!existsSync(directory) || readdirSync(directory).length === 0) {
    return { source: "no database", available: false, note: `no database: DATABASE_URL is unset and there is no embedded database at ${directory} (--data-dir)`, history: [] };
  }
  const copy = mkdtempSync(join(tmpdir(), "osac-vm-explain-"));
  try {
    cpSync(directory, copy, { recursive: true });
    return await readWith(`${source} (read from a copy)`, () => openStatusStore({ dataDir: copy }), orderUid);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function readWith(source: string, open: () => Promise<StatusStore>, orderUid: string): Promise<DatabaseView> {
  let store: StatusStore | undefined;
  try {
    store = await open();
    const [state, history] = await Promise.all([store.getVmState(orderUid), store.listHistory(orderUid)]);
    return {
      source,
      available: true,
      ...(state ? {} : { note: "no row for this order: the controller has not observed it (it records controller and gitops orders)" }),
      ...(state
        ? {
            state: {
              state: state.state,
              powerStatus: state.powerStatus,
              ipAddresses: state.ipAddresses,
              desiredConfigVersion: state.desiredConfigVersion,
              reconciledConfigVersion: state.reconciledConfigVersion,
              conditions: state.conditions.map(({ type, status, reason, lastTransitionTime }) => ({ type, status, reason, lastTransitionTime })),
              observedAt: state.observedAt.toISOString(),
              deletedAt: state.deletedAt?.toISOString() ?? null,
            },
          }
        : {}),
      history: history.map((row) => ({
        observedAt: row.observedAt.toISOString(),
        state: row.state,
        powerStatus: row.powerStatus,
        ipAddresses: row.ipAddresses,
        desiredConfigVersion: row.desiredConfigVersion,
        reconciledConfigVersion: row.reconciledConfigVersion,
      })),
    };
  } catch (error) {
    if (error instanceof DatabaseQueryError && error.sqlState === UNDEFINED_TABLE) {
      return { source, available: false, note: "the database has no vm_state table: the controller has not migrated it", history: [] };
    }
    const why = error instanceof DatabaseUnavailableError ? "cannot reach the database" : "cannot read the database";
    return { source, available: false, note: `${why}: ${(error as Error).message}`, history: [] };
  } finally {
    await store?.close().catch(() => {});
  }
}

/** `host:port/database`: never the user or password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${parsed.pathname}`;
  } catch {
    return "(DATABASE_URL is not a URL)";
  }
}
