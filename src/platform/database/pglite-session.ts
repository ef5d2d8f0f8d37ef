import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { toStoreError } from "./errors.ts";
import type { ListenHandlers, SqlQueryable, SqlSession } from "./sql-session.ts";

/**
 * Embedded PostgreSQL (PGlite, in this process). One PGlite is one session: queries and
 * transactions are serialised by PGlite itself, and NOTIFY reaches LISTENers of the same instance
 * only. A data directory must be opened by one process at a time (PGlite takes no lock on it).
 */
export class PgliteSession implements SqlSession {
  readonly backend = "pglite";

  /** `ownsDatabase`: `close()` closes the PGlite instance too (false when the caller manages it). */
  constructor(
    private readonly db: PGlite,
    private readonly ownsDatabase: boolean,
  ) {}

  /** Opens (creating if needed) the PGlite data directory `dataDir`; takes ~3 s. */
  static async open(dataDir: string): Promise<PgliteSession> {
    try {
      await mkdir(dataDir, { recursive: true });
      return new PgliteSession(await PGlite.create(dataDir), true);
    } catch (error) {
      throw toStoreError(error, `opening the PGlite data directory ${dataDir}`);
    }
  }

  query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return guard("query", async () => (await this.db.query<Row>(sql, [...params])).rows);
  }

  exec(sql: string): Promise<void> {
    return guard("exec", async () => {
      await this.db.exec(sql);
    });
  }

  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return guard("transaction", () =>
      this.db.transaction((tx) =>
        work({
          query: async <Row extends object>(sql: string, params: readonly unknown[] = []) =>
            (await tx.query<Row>(sql, [...params])).rows,
          exec: async (sql: string) => {
            await tx.exec(sql);
          },
        }),
      ),
    );
  }

  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
    return guard("listen", async () => {
      const unlisten = await this.db.listen(channel, handlers.onNotification);
      return () => guard("unlisten", () => (this.db.closed ? Promise.resolve() : unlisten()));
    });
  }

  async close(): Promise<void> {
    if (this.ownsDatabase && !this.db.closed) await guard("close", () => this.db.close());
  }
}

async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error, operation);
  }
}
