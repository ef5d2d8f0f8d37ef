import { DatabaseQueryError } from "../../platform/database/errors.ts";
// Not the database index: it re-exports both backends' sessions, which would load PGlite and pg.
import { openStatusStore } from "../../platform/database/open-status-store.ts";
import type { StatusStore } from "../../platform/database/status-store.ts";
import type { Logger } from "../../platform/logger.ts";
import { databaseRowProblems } from "../fleet/database-verify.ts";
import type { LiveObject } from "../live-object.ts";

/** SQLSTATE undefined_table: the order controller never migrated this database. */
const UNDEFINED_TABLE = "42P01";
const PARALLEL_READS = 4;

/**
 * The order controller's status database (PostgreSQL), read-only: Verify reads each adopted
 * order's `vm_state` row with the store's own reader (`getVmState`), never writes, never migrates.
 */
export class StatusDatabase {
  private constructor(private readonly store: StatusStore) {}

  static async open(databaseUrl: string, logger: Logger): Promise<StatusDatabase> {
    const store = await openStatusStore({
      databaseUrl,
      logger,
      postgres: { maxConnections: PARALLEL_READS, connectionTimeoutMs: 5_000, queryTimeoutMs: 10_000, applicationName: "osac-vm-migration" },
    });
    return new StatusDatabase(store);
  }

  /**
   * What is wrong with the rows of `orders` (ADR 0035), empty when every row reflects its order.
   * A database that cannot be read is one problem: Verify waits for it as for a row.
   */
  async rowProblems(orders: readonly LiveObject[]): Promise<string[]> {
    const problems: string[][] = [];
    let next = 0;
    const worker = async () => {
      while (next < orders.length) {
        const index = next++;
        const order = orders[index]!;
        const row = order.metadata.uid ? await this.store.getVmState(order.metadata.uid) : undefined;
        problems[index] = databaseRowProblems(order, row);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, orders.length) }, worker));
    } catch (error) {
      if (error instanceof DatabaseQueryError && error.sqlState === UNDEFINED_TABLE) return ["the status database has no vm_state table (the order controller has not migrated it)"];
      return [`cannot read the status database: ${redactUrls((error as Error).message)}`];
    }
    return problems.flat();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** Connection URLs carry passwords: never in a message. */
function redactUrls(text: string): string {
  return text.replace(/postgres(ql)?:\/\/\S+/g, "postgres://…");
}
