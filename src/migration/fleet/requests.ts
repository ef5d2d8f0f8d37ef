import type { FleetMigration } from "./types.ts";

/** What `migrate approve` / `migrate rollback` write: a spec change, or why not. */
export type SpecRequest = { readonly ok: true; readonly spec: Record<string, unknown>; readonly message: string } | { readonly ok: false; readonly message: string };

/**
 * `osac-vm migrate approve <name> [--batch N]`: adds N (default: the batch awaiting approval) to
 * `spec.approvedBatches`. Approving a batch ahead of time is allowed (it goes on without a stop);
 * one that is not planned, or when no batch waits and none is named, is refused. Pure.
 */
export function approveRequest(migration: FleetMigration, batch: number | undefined): SpecRequest {
  const name = migration.metadata.name;
  const status = migration.status;
  const planned = status?.batches?.length;
  if (migration.spec.approvalMode === "Automatic") return { ok: false, message: `${name} has approvalMode Automatic: its batches need no approval` };
  let chosen = batch;
  if (chosen === undefined) {
    if (status?.phase !== "AwaitingApproval" || status.currentBatch === undefined) {
      return { ok: false, message: `no batch of ${name} awaits approval (phase ${status?.phase ?? "none yet"}); name one with --batch N` };
    }
    chosen = status.currentBatch;
  }
  if (!Number.isInteger(chosen) || chosen < 1) return { ok: false, message: `--batch ${chosen} is not a batch number (1 or more)` };
  if (planned !== undefined && chosen > planned) return { ok: false, message: `--batch ${chosen}: ${name} has ${planned} batch(es)` };
  const approved = migration.spec.approvedBatches ?? [];
  if (approved.includes(chosen)) return { ok: true, spec: {}, message: `batch ${chosen} of ${name} was already approved` };
  return { ok: true, spec: { approvedBatches: [...approved, chosen].sort((a, b) => a - b) }, message: `approved batch ${chosen} of ${name}` };
}

/**
 * `osac-vm migrate rollback <name> [--batch N]`: rolls back the completed batches from the newest
 * down to N (default 1: all of them) by setting `spec.rollbackToBatch`, which can only go down. Pure.
 */
export function rollbackRequest(migration: FleetMigration, batch: number | undefined): SpecRequest {
  const name = migration.metadata.name;
  const chosen = batch ?? 1;
  if (!Number.isInteger(chosen) || chosen < 1) return { ok: false, message: `--batch ${chosen} is not a batch number (1 or more)` };
  const planned = migration.status?.batches?.length;
  if (planned !== undefined && chosen > planned) return { ok: false, message: `--batch ${chosen}: ${name} has ${planned} batch(es)` };
  const current = migration.spec.rollbackToBatch;
  if (current !== undefined && current <= chosen) return { ok: true, spec: {}, message: `${name} already rolls back down to batch ${current}` };
  return { ok: true, spec: { rollbackToBatch: chosen }, message: `rolling back ${name}: the completed batches from the newest down to batch ${chosen}` };
}
