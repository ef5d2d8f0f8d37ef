import type { Logger } from "../../platform/logger.ts";
import { databaseVerdict } from "../fleet/database-verify.ts";
import { heldStatus } from "../fleet/held-status.ts";
import type { FleetMigration } from "../fleet/types.ts";
import type { LiveObject } from "../live-object.ts";
import type { StatusDatabase } from "./status-database.ts";
import { StepHeldError } from "./step-held.ts";

export interface DatabaseCheckOptions {
  /** How long Verify waits for the rows before it fails the batch (`--database-wait-seconds`). */
  readonly waitMs: number;
  /** How often it looks again meanwhile. */
  readonly pollMs: number;
}

/**
 * "Status reaches the database" (issue 17, ADR 0035): after Verify's other checks pass, each
 * adopted order's row must reflect the order. Rows arrive asynchronously (the order controller's
 * sink), so problems hold the step (Verify=False, WaitingForDatabase, naming the orders) until
 * `waitMs` has passed since the wait began; then they fail the batch. Without a database the note
 * says it was not checked.
 */
export class DatabaseCheck {
  constructor(
    private readonly database: StatusDatabase | undefined,
    private readonly logger: Logger,
    private readonly options: DatabaseCheckOptions,
  ) {}

  /** The note Verify records, or the problems that fail the batch; throws StepHeldError while it waits. */
  async check(migration: FleetMigration, batch: number, orders: readonly LiveObject[], now: Date): Promise<{ note?: string; problems: string[] }> {
    const problems = this.database ? await this.database.rowProblems(orders) : undefined;
    const verdict = databaseVerdict(migration, { index: batch, orders: orders.map((order) => order.metadata.name ?? "") }, problems, now, this.options.waitMs);
    if (verdict.kind === "passed") return { note: verdict.note, problems: [] };
    if (verdict.kind === "failed") return { problems: [...verdict.problems] };
    this.logger.info({ kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batch, problems }, "Waiting for the status database to reflect the batch");
    throw new StepHeldError(heldStatus(migration, verdict.condition, now), this.options.pollMs, verdict.condition.message);
  }

  close(): Promise<void> {
    return this.database?.close() ?? Promise.resolve();
  }
}
