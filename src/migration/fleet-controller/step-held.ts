import type { FleetMigrationStatus } from "../fleet/types.ts";

/**
 * A step that cannot go on yet for a reason outside the migration (an unhealthy platform, a status
 * database that has not caught up): the reconciler writes `status` (which says why) and looks
 * again after `retryInMs`. Not a failure: nothing was changed, and the wait ends by itself.
 */
export class StepHeldError extends Error {
  override readonly name = "StepHeldError";
  constructor(
    readonly status: FleetMigrationStatus,
    readonly retryInMs: number,
    message: string,
  ) {
    super(message);
  }
}
