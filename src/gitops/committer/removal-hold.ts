import { checkRemovals, describeLimit, type RemovalPolicy, type RemovalRefusal } from "../../render/tree/removal-guard.ts";
import type { BatchPlan } from "./plan-batch.ts";
import type { OwnedFiles } from "./owned-files.ts";

export interface GuardedPlan {
  readonly plan: BatchPlan;
  /** Set when the guard held the batch's removals back. */
  readonly refusal?: RemovalRefusal;
  /** Orders whose removal waits (when refused). */
  readonly heldBack: string[];
}

/**
 * The renderer's mass-removal guard (docs/adr/0014-render-safety.md) applied to a batch: when the
 * removals it plans would empty the tree, or remove more orders than the policy allows at once,
 * none of them is made (writes still are), and the orders wait. A watch that suddenly lists no
 * orders (revoked RBAC, a CRD deleted by mistake) therefore removes nothing from Git. Pure.
 */
export function guardRemovals(plan: BatchPlan, owned: OwnedFiles, prefix: string, policy: RemovalPolicy): GuardedPlan {
  if (plan.removals.length === 0) return { plan, heldBack: [] };
  const layout = (path: string) => (prefix ? path.slice(prefix.length + 1) : path);
  const removed = new Set(plan.removals.map((removal) => removal.path));
  const filesInTree = [...owned.paths()].map(layout);
  const plannedFiles = [...[...owned.paths()].filter((path) => !removed.has(path)), ...plan.writes.filter((write) => !write.exists).map((write) => write.path)].map(layout);
  const verdict = checkRemovals({ filesInTree, plannedFiles, removedFiles: [...removed].map(layout) }, policy);
  if (verdict.allowed) return { plan, heldBack: [] };
  const heldBack = plan.removals.flatMap((removal) => (removal.orderKey ? [removal.orderKey] : []));
  // Without the order removals, no tenant directory empties: keep every _namespace.yaml too.
  return { plan: { ...plan, removals: [] }, refusal: verdict, heldBack };
}

/** One line for the log, the metric's label and the orders' condition: why removals wait. */
export function describeHold(refusal: RemovalRefusal): string {
  return `Held back the removal of ${refusal.removedOrders.length} of the ${refusal.ordersInTree} order file(s): ${refusal.exceeded.map((limit) => describeLimit(limit, refusal)).join("; ")}`;
}
