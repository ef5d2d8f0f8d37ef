import type { ApplyState } from "../recent-applies.ts";

export interface ApplyPassDecision {
  /** Render and apply the order's children in this pass. */
  readonly apply: boolean;
  /**
   * Leave the order's status (and database row) alone in this pass unless the apply turns out to
   * be blocked: the children just applied are on their way to the caches, and writing now would
   * write `ChildrenMissing` once per child that appears.
   */
  readonly deferStatus: boolean;
  /** Look again after this long (child events usually wake the order earlier). */
  readonly requeueAfterMs?: number;
  /** Drop the record of the last apply (converged, or the wait for its children ran out). */
  readonly forgetApply: boolean;
}

/**
 * One pass of direct apply for a live `controller` order, from whether its children are converged
 * (every expected child live with the order's config version) and when this version was last
 * applied. A pass whose wait ran out writes the status as it is (children missing) and applies
 * again only on the next event or resync, so a child that never shows up is not applied in a
 * loop. Pure.
 */
export function decideApplyPass(converged: boolean, last: ApplyState, graceMs: number): ApplyPassDecision {
  if (converged) return { apply: false, deferStatus: false, forgetApply: true };
  switch (last.kind) {
    case "none":
      return { apply: true, deferStatus: true, requeueAfterMs: graceMs, forgetApply: false };
    case "pending":
      return { apply: false, deferStatus: true, requeueAfterMs: last.remainingMs, forgetApply: false };
    case "expired":
      return { apply: false, deferStatus: false, forgetApply: true };
  }
}
