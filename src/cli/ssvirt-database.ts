import type { SqlSession } from "../platform/database/sql-session.ts";
import type { Terminal } from "./terminal.ts";

/** SSVIRT_DATABASE_URL when set (checked: a postgres:// URL), else the embedded database in `dataDir`. */
export function ssvirtDatabaseOptions(env: Terminal["env"], dataDir: string): { databaseUrl?: string; dataDir: string } | { error: string } {
  const url = env.SSVIRT_DATABASE_URL;
  if (url === undefined || url === "") return { dataDir };
  if (!/^postgres(ql)?:\/\//.test(url)) return { error: "SSVIRT_DATABASE_URL: must be a postgres:// or postgresql:// URL" };
  return { databaseUrl: url, dataDir };
}

/** Opens SSVirt's database and checks (embedded: creates) its schema; closes the session when that fails. */
export async function openPreparedSsvirtDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<SqlSession> {
  const { openSsvirtDatabase, prepareSsvirtSchema } = await import("../ssvirt/database/open-database.ts");
  const session = await openSsvirtDatabase(options);
  try {
    await prepareSsvirtSchema(session);
    return session;
  } catch (error) {
    await session.close().catch(() => undefined);
    throw error;
  }
}
