import { checkHubRemovals } from "../../render/hubs/hub-removals.ts";
import { splitHubPath } from "../../render/hubs/hub-layout.ts";
import { checkRemovals, describeLimit, type RemovalPolicy, type RemovalRefusal, type RemovalRequest } from "../../render/tree/removal-guard.ts";
import type { BatchPlan } from "./plan-batch.ts";
import type { OwnedFiles } from "./owned-files.ts";

/** Removals the guard held back: the verdict, the tree it is about, and the orders that wait. */
export interface RemovalHold {
  readonly refusal: RemovalRefusal;
  /** `hubs/<hub>` for one hub's tree, "" for the whole tree. */
  readonly tree: string;
  readonly orderKeys: string[];
}

export interface GuardedPlan {
  readonly plan: BatchPlan;
  /** What the guard held back (empty when it allowed every removal). */
  readonly holds: RemovalHold[];
  /** Orders whose removal waits. */
  readonly heldBack: string[];
}

/**
 * The renderer's mass-removal guard (docs/adr/0014-render-safety.md) applied to a batch: when the
 * removals it plans would empty the tree, or remove more orders than the policy allows at once,
 * none of them is made (writes still are), and the orders wait. A watch that suddenly lists no
 * orders (revoked RBAC, a CRD deleted by mistake) therefore removes nothing from Git. With hubs,
 * as `render --hubs` does (docs/adr/0030-per-hub-output.md), each hub's tree is guarded on its own
 * first: a hub that would lose most of its orders at once keeps all of them (however large the
 * fleet), and only that hub's removals wait; then the whole tree, every hub's orders and the
 * single-cluster ones together. Pure.
 */
export function guardRemovals(plan: BatchPlan, owned: OwnedFiles, prefix: string, policy: RemovalPolicy, hubs = false): GuardedPlan {
  if (plan.removals.length === 0) return { plan, holds: [], heldBack: [] };
  const layout = (path: string) => (prefix ? path.slice(prefix.length + 1) : path);
  const filesInTree = [...owned.paths()].map(layout);
  const requestOf = (current: BatchPlan): RemovalRequest => {
    const removed = new Set(current.removals.map((removal) => removal.path));
    const kept = [...owned.paths()].filter((path) => !removed.has(path));
    return { filesInTree, plannedFiles: [...kept, ...current.writes.filter((write) => !write.exists).map((write) => write.path)].map(layout), removedFiles: [...removed].map(layout) };
  };
  const holds: RemovalHold[] = [];
  const hold = (current: BatchPlan, refusal: RemovalRefusal, tree: string, held: (path: string) => boolean): BatchPlan => {
    holds.push({ refusal, tree, orderKeys: current.removals.flatMap((removal) => (removal.orderKey && held(removal.path) ? [removal.orderKey] : [])) });
    // Without those order removals, none of their tenant directories empties: their _namespace.yaml stay too.
    return { ...current, removals: current.removals.filter((removal) => !held(removal.path)) };
  };
  let guarded = plan;
  for (let perHub = hubs ? checkHubRemovals(requestOf(guarded), policy) : undefined; perHub && !perHub.verdict.allowed && perHub.tree !== ""; perHub = checkHubRemovals(requestOf(guarded), policy)) {
    const under = `${prefix ? `${prefix}/` : ""}${perHub.tree}/`;
    guarded = hold(guarded, perHub.verdict, perHub.tree, (path) => path.startsWith(under));
  }
  if (guarded.removals.length > 0) {
    const request = requestOf(guarded);
    const asTreePath = (path: string) => (hubs ? (splitHubPath(path)?.treePath ?? path) : path);
    const fleet = checkRemovals({ filesInTree: request.filesInTree.map(asTreePath), plannedFiles: request.plannedFiles.map(asTreePath), removedFiles: request.removedFiles.map(asTreePath) }, policy);
    if (!fleet.allowed) guarded = hold(guarded, fleet, "", () => true);
  }
  return { plan: guarded, holds, heldBack: holds.flatMap((entry) => entry.orderKeys) };
}

/** One line for the log, the metric's label and the orders' condition: why removals wait. */
export function describeHold(refusal: RemovalRefusal, tree = ""): string {
  const of = tree === "" ? "" : ` of ${tree}`;
  return `Held back the removal of ${refusal.removedOrders.length} of the ${refusal.ordersInTree} order file(s)${of}: ${refusal.exceeded.map((limit) => describeLimit(limit, refusal)).join("; ")}`;
}
