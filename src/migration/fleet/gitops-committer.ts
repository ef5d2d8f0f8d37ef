import type { Order } from "../../domain/order.ts";

/**
 * What the gitops target mode needs from the committer (issue 16, not on main yet): commit the
 * batch's rendered files so Argo CD adopts the live objects (annotation tracking, ServerSideApply,
 * ApplyOutOfSyncOnly), and remove them again on rollback with the objects orphaned, not pruned.
 * Both are idempotent: committing files already committed changes nothing.
 */
export interface GitopsCommitter {
  /** Commits the orders' files; resolves with the commit's sha once pushed. */
  commitOrders(orders: readonly Order[], message: string): Promise<string>;
  /** Removes the orders' files (their Applications orphan the objects); resolves with the sha. */
  removeOrders(orders: readonly Order[], message: string): Promise<string>;
  /** Whether Argo CD has synced the commit for the order (its objects carry the tracking id). */
  synced(order: Order, sha: string): Promise<boolean>;
}

export class CommitterUnavailableError extends Error {
  readonly code = "CommitterUnavailable";
  constructor() {
    super("targetMode gitops needs the committer, which this build does not have (issue 16); use targetMode controller");
  }
}
