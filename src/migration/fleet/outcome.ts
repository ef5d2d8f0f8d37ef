import type { Phase, RefusedOrder } from "./types.ts";

/** What a step did, as the status records it. */
export type StepOutcome =
  | {
      readonly kind: "preflight";
      readonly batches: readonly (readonly string[])[];
      readonly refused: readonly RefusedOrder[];
      readonly skipped: number;
      /** Orders the selector and percentage chose (before refusals). */
      readonly selected: number;
      /** Accepted orders that differ in fields ADR 0032 accepts. */
      readonly acceptedDifferences: number;
    }
  | { readonly kind: "awaitApproval"; readonly batch: number }
  | { readonly kind: "backup"; readonly batch: number; readonly secret: string; readonly objects: number }
  /** The batch cannot be backed up (too large for a Secret): it fails before anything changed. */
  | { readonly kind: "backupFailed"; readonly batch: number; readonly reason: string; readonly message: string }
  | { readonly kind: "adopt"; readonly batch: number; readonly order: string }
  /** `note`: what the status database check found, recorded in the batch and the Verify message (ADR 0035). */
  | { readonly kind: "verify"; readonly batch: number; readonly problems: readonly string[]; readonly note?: string }
  /** gitops (ADR 0034): the batch is handed to the committer; Argo CD has not adopted all of it yet. */
  | { readonly kind: "adoptPending"; readonly batch: number; readonly pending: readonly string[] }
  /** gitops (ADR 0034): the order is back on aap; its files' removal is not pushed or compared by Argo CD yet. */
  | { readonly kind: "rollbackPending"; readonly batch: number; readonly order: string; readonly pending: readonly string[] }
  | { readonly kind: "rollbackOrder"; readonly batch: number; readonly order: string; readonly restored: readonly string[] }
  | { readonly kind: "finishBatchRollback"; readonly batch: number }
  | { readonly kind: "wait"; readonly phase: Phase };
