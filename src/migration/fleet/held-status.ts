import { mergeConditions, type ConditionValue } from "../../controller/status/conditions.ts";
import type { Step } from "./next-step.ts";
import { nextStatus } from "./next-status.ts";
import type { FleetMigration, FleetMigrationStatus } from "./types.ts";

/**
 * The status while a step waits on something outside the migration (ADR 0035): the platform's
 * health, or the status database catching up. Nothing of the plan changes and the phase stays
 * what the step would have made it (Pending before the plan, Migrating within a batch: not
 * Failed, the wait ends by itself); only `condition` is replaced, its lastTransitionTime merged
 * with the stored one so that it says since when the migration waits. Pure.
 */
export function heldStatus(migration: FleetMigration, condition: ConditionValue, now: Date): FleetMigrationStatus {
  const base = nextStatus(migration, { kind: "wait", phase: "Pending" }, now);
  const [held] = mergeConditions([condition], migration.status?.conditions, migration.metadata.generation ?? 1, now);
  const conditions = base.conditions ?? [];
  return { ...base, conditions: conditions.some((entry) => entry.type === condition.type) ? conditions.map((entry) => (entry.type === condition.type ? held! : entry)) : [...conditions, held!] };
}

/** Since when the stored condition of `type` has had this reason (its lastTransitionTime), if it has. Pure. */
export function heldSince(migration: FleetMigration, type: string, reason: string): Date | undefined {
  const condition = migration.status?.conditions?.find((entry) => entry.type === type);
  return condition?.reason === reason ? new Date(condition.lastTransitionTime) : undefined;
}

export const PLATFORM_UNHEALTHY = "PlatformUnhealthy";

/**
 * The platform is checked before the plan is made and before the first order of each batch is
 * adopted: a webhook that died between batches stops the migration before it adopts more. Within
 * a batch, every write to an order goes through the webhook anyway (failurePolicy Fail). Pure.
 */
export function needsPlatformCheck(step: Step, status: FleetMigrationStatus | undefined): boolean {
  if (step.kind === "preflight") return true;
  if (step.kind !== "adopt") return false;
  const batch = status?.batches?.find((entry) => entry.index === step.batch);
  return (batch?.adopted ?? []).length === 0;
}

/** The condition naming each failed check: Preflight before the plan, Adopt before a batch. Pure. */
export function platformUnhealthyCondition(step: Step, status: FleetMigrationStatus | undefined, problems: readonly string[]): ConditionValue {
  const failed = problems.join("; ");
  if (step.kind !== "adopt") return { type: "Preflight", status: "False", reason: PLATFORM_UNHEALTHY, message: `waiting for a healthy platform before planning: ${failed}` };
  return {
    type: "Adopt",
    status: "False",
    reason: PLATFORM_UNHEALTHY,
    message: `batch ${step.batch} of ${status?.batches?.length ?? 0}: waiting for a healthy platform before adopting: ${failed}`,
  };
}
