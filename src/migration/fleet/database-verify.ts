import type { Phase } from "../../api/v1alpha1/types.ts";
import { type ConditionValue } from "../../controller/status/conditions.ts";
import { fulfillmentStateFor } from "../../controller/status/printable-status.ts";
import type { VmStateRecord } from "../../platform/database/vm-state.ts";
import type { LiveObject } from "../live-object.ts";
import { heldSince } from "./held-status.ts";
import type { FleetMigration } from "./types.ts";

/** What Verify compares of a status database row (the order controller's `vm_state`). */
export type StatusRow = Pick<VmStateRecord, "state" | "observedGeneration" | "desiredConfigVersion" | "reconciledConfigVersion" | "deletedAt">;

export const DATABASE_NOT_CONFIGURED = "database not configured: not checked";
export const WAITING_FOR_DATABASE = "WaitingForDatabase";

/**
 * Whether the status database reflects an adopted order (ADR 0035): its row exists, is not marked
 * deleted, observed the order's current generation, and says what the order's status says (the
 * order controller writes both from one computation): the fulfillment state of the status phase,
 * and the same desired and reconciled config versions. Content, not time: the controller's sink
 * does not rewrite a row whose content did not change, and its clock is not the API server's.
 * Empty when it does. Pure.
 */
export function databaseRowProblems(order: LiveObject, row: StatusRow | undefined): string[] {
  const name = order.metadata.name ?? "";
  if (!row) return [`${name}: no row in the status database (the order controller has not recorded it)`];
  if (row.deletedAt) return [`${name}: the status database marks it deleted`];
  const status = (order.status ?? {}) as { phase?: Phase; desiredConfigVersion?: string; reconciledConfigVersion?: string };
  if (!status.phase || !status.desiredConfigVersion) return [`${name}: the order controller has not written the order's status yet`];
  const problems: string[] = [];
  const generation = Number(order.metadata.generation ?? 1);
  if (row.observedGeneration < generation) problems.push(`${name}: the status database row observed generation ${row.observedGeneration}, the order is at ${generation}`);
  const state = fulfillmentStateFor(status.phase);
  if (row.state !== state) problems.push(`${name}: the status database row says ${row.state}, the order's phase ${status.phase} is ${state}`);
  if (row.desiredConfigVersion !== status.desiredConfigVersion || row.reconciledConfigVersion !== (status.reconciledConfigVersion ?? null)) {
    problems.push(
      `${name}: the status database row has config versions ${row.desiredConfigVersion ?? "none"}/${row.reconciledConfigVersion ?? "none"} (desired/reconciled), the order's status ${status.desiredConfigVersion}/${status.reconciledConfigVersion ?? "none"}`,
    );
  }
  return problems;
}

/** What Verify concludes from the database problems of a batch (Verify's other checks passed). */
export type DatabaseVerdict =
  | { readonly kind: "passed"; readonly note: string }
  /** Status reaches the database asynchronously: look again, the condition says why. */
  | { readonly kind: "waiting"; readonly condition: ConditionValue }
  | { readonly kind: "failed"; readonly problems: readonly string[] };

/**
 * `problems` undefined: no database configured (said once, in the note). Otherwise, no problem
 * passes; problems wait, in the Verify condition (`WaitingForDatabase`, whose lastTransitionTime
 * is when the wait began, so a restart does not extend it), up to `waitMs`, then fail the batch. Pure.
 */
export function databaseVerdict(migration: FleetMigration, batch: { index: number; orders: readonly string[] }, problems: readonly string[] | undefined, now: Date, waitMs: number): DatabaseVerdict {
  if (problems === undefined) return { kind: "passed", note: DATABASE_NOT_CONFIGURED };
  if (problems.length === 0) return { kind: "passed", note: `status database: the rows of ${batch.orders.length} order(s) reflect their status` };
  const since = heldSince(migration, "Verify", WAITING_FOR_DATABASE) ?? now;
  const deadline = new Date(since.getTime() + waitMs);
  if (now.getTime() >= deadline.getTime()) return { kind: "failed", problems: problems.map((problem) => `${problem} (waited ${Math.round(waitMs / 1000)} s)`) };
  return {
    kind: "waiting",
    condition: {
      type: "Verify",
      status: "False",
      reason: WAITING_FOR_DATABASE,
      message: `batch ${batch.index} of ${migration.status?.batches?.length ?? 0}: waiting for the status database until ${deadline.toISOString()}: ${problems.join("; ")}`,
    },
  };
}
