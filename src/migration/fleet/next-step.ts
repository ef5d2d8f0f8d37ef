import type { BatchStatus, FleetMigrationSpec, FleetMigrationStatus, Phase } from "./types.ts";

/**
 * The one step a reconcile takes (ADR 0032). Every step is idempotent: repeating it after a crash
 * before its status was written does no harm, so the status alone says where to resume.
 */
export type Step =
  | { readonly kind: "preflight" }
  | { readonly kind: "awaitApproval"; readonly batch: number }
  | { readonly kind: "backup"; readonly batch: number }
  | { readonly kind: "adopt"; readonly batch: number; readonly order: string }
  | { readonly kind: "verify"; readonly batch: number }
  | { readonly kind: "rollbackOrder"; readonly batch: number; readonly order: string }
  | { readonly kind: "finishBatchRollback"; readonly batch: number }
  /** Nothing to do until the spec changes: `phase` is what the status should say. */
  | { readonly kind: "wait"; readonly phase: Phase };

/** Batch states in which orders may have been adopted (with a backup: a batch that failed its backup changed nothing). */
const TOUCHED: ReadonlySet<BatchStatus["state"]> = new Set(["BackedUp", "Adopting", "Verified", "Failed", "RollingBack"]);

/** The batch a rollback walks back to: the lower of the spec's request and an automatic one. */
export function rollbackTarget(spec: FleetMigrationSpec, status: FleetMigrationStatus | undefined): number | undefined {
  const targets = [spec.rollbackToBatch, status?.rollback?.toBatch].filter((value): value is number => value !== undefined);
  return targets.length > 0 ? Math.min(...targets) : undefined;
}

/** The first batch not yet verified. */
export function currentBatch(status: FleetMigrationStatus | undefined): BatchStatus | undefined {
  return status?.batches?.find((batch) => batch.state !== "Verified");
}

export function isApproved(spec: FleetMigrationSpec, batch: number): boolean {
  return spec.approvalMode === "Automatic" || (spec.approvedBatches ?? []).includes(batch);
}

/** Pure: the next step from the spec and the status alone. */
export function decideNextStep(spec: FleetMigrationSpec, status: FleetMigrationStatus | undefined): Step {
  const target = rollbackTarget(spec, status);
  if (target !== undefined) return rollbackStep(status, target);
  if (!status?.batches) return spec.paused ? { kind: "wait", phase: "Paused" } : { kind: "preflight" };
  const batch = currentBatch(status);
  if (!batch) return { kind: "wait", phase: "Succeeded" };
  if (batch.state === "Failed") return { kind: "wait", phase: "Failed" };
  if (spec.paused) return { kind: "wait", phase: "Paused" };
  if (batch.state === "Pending" || batch.state === "AwaitingApproval") {
    if (isApproved(spec, batch.index)) return { kind: "backup", batch: batch.index };
    return batch.state === "AwaitingApproval" ? { kind: "wait", phase: "AwaitingApproval" } : { kind: "awaitApproval", batch: batch.index };
  }
  const adopted = new Set(batch.adopted ?? []);
  const next = batch.orders.find((order) => !adopted.has(order));
  return next !== undefined ? { kind: "adopt", batch: batch.index, order: next } : { kind: "verify", batch: batch.index };
}

/**
 * Walks the batches from the newest touched one down to `target`, each batch's orders newest
 * first. Every order of a touched batch is rolled back, not only those the status lists as
 * adopted: a crash between an adoption and its status write leaves an adopted order unlisted, and
 * rolling back an order that was never adopted changes nothing.
 */
function rollbackStep(status: FleetMigrationStatus | undefined, target: number): Step {
  const batches = [...(status?.batches ?? [])].filter((batch) => batch.index >= target && TOUCHED.has(batch.state) && batch.backupSecret !== undefined).sort((a, b) => b.index - a.index);
  const batch = batches[0];
  if (!batch) return { kind: "wait", phase: "RolledBack" };
  const done = new Set(batch.rolledBack ?? []);
  const next = [...batch.orders].reverse().find((order) => !done.has(order));
  return next !== undefined ? { kind: "rollbackOrder", batch: batch.index, order: next } : { kind: "finishBatchRollback", batch: batch.index };
}
