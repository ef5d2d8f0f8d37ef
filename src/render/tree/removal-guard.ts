import { isOrderFilePath } from "./layout.ts";

/**
 * Whether a render (or any writer of the tree: the cdk8s app, the Git committer) may remove the
 * files it plans to remove. Argo CD prunes what leaves Git, so a render that drops many orders at
 * once deletes many VMs; the usual cause is broken input (an empty stdin, an empty file), not
 * intent. Pure: no I/O, no CLI wording (docs/adr/0014-render-safety.md).
 */
export interface RemovalPolicy {
  /** Refuse when more than this many orders would be removed. */
  readonly maxRemovedOrders: number;
  /** Refuse when more than this percentage of the orders in the tree would be removed (0–100). */
  readonly maxRemovedPercent: number;
  /** Remove whatever the plan says, however much (the explicit override). */
  readonly allowMassRemoval: boolean;
}

/** Never more than 10 orders, never more than half of the tree, in one render. */
export const DEFAULT_REMOVAL_POLICY: RemovalPolicy = { maxRemovedOrders: 10, maxRemovedPercent: 50, allowMassRemoval: false };

export interface RemovalRequest {
  /** Our files in the tree now (relative paths), order and Namespace files alike. */
  readonly filesInTree: readonly string[];
  /** The files the render plans (relative paths). */
  readonly plannedFiles: readonly string[];
  /** The files in the tree that are not planned: what the render would remove. */
  readonly removedFiles: readonly string[];
}

/** Why a removal was held back; several can hold at once. */
export type RemovalLimit =
  /** The input holds no orders while the tree holds some. */
  | { readonly kind: "no-orders" }
  | { readonly kind: "count"; readonly maxRemovedOrders: number }
  | { readonly kind: "percent"; readonly maxRemovedPercent: number; readonly removedPercent: number };

export interface RemovalFacts {
  /** The order files that would go (sorted); Namespace files are not counted. */
  readonly removedOrders: readonly string[];
  readonly ordersInTree: number;
  readonly plannedOrders: number;
}

export type RemovalVerdict =
  | (RemovalFacts & {
      readonly allowed: true;
      /** Limits the removal exceeds that `allowMassRemoval` waived; empty when within the limits. */
      readonly waived: readonly RemovalLimit[];
    })
  | (RemovalFacts & { readonly allowed: false; readonly exceeded: readonly RemovalLimit[] });

export type RemovalRefusal = Extract<RemovalVerdict, { allowed: false }>;

export function checkRemovals(request: RemovalRequest, policy: RemovalPolicy = DEFAULT_REMOVAL_POLICY): RemovalVerdict {
  const removedOrders = request.removedFiles.filter(isOrderFilePath).sort();
  const facts: RemovalFacts = {
    removedOrders,
    ordersInTree: request.filesInTree.filter(isOrderFilePath).length,
    plannedOrders: request.plannedFiles.filter(isOrderFilePath).length,
  };
  const exceeded = exceededLimits(facts, policy);
  if (exceeded.length === 0) return { ...facts, allowed: true, waived: [] };
  if (policy.allowMassRemoval) return { ...facts, allowed: true, waived: exceeded };
  return { ...facts, allowed: false, exceeded };
}

function exceededLimits(facts: RemovalFacts, policy: RemovalPolicy): RemovalLimit[] {
  const removed = facts.removedOrders.length;
  if (removed === 0) return [];
  const limits: RemovalLimit[] = [];
  if (facts.plannedOrders === 0) limits.push({ kind: "no-orders" });
  if (removed > policy.maxRemovedOrders) limits.push({ kind: "count", maxRemovedOrders: policy.maxRemovedOrders });
  // Compared in integers (removed × 100 > max × inTree) so 1 of 2 is exactly 50 %, never 50.000001 %.
  if (removed * 100 > policy.maxRemovedPercent * facts.ordersInTree) {
    limits.push({ kind: "percent", maxRemovedPercent: policy.maxRemovedPercent, removedPercent: (removed * 100) / facts.ordersInTree });
  }
  return limits;
}

/** How many removed orders a message lists before it says "and N more". */
export const LISTED_REMOVALS = 20;

/**
 * The refusal as lines of text: what would go, why it was held back. The caller adds how to
 * override it in its own terms (a flag, a setting).
 */
export function describeRefusal(refusal: RemovalRefusal, tree: string, listed = LISTED_REMOVALS): string[] {
  const removed = refusal.removedOrders.length;
  const lines = [
    `refusing to remove ${removed} of the ${refusal.ordersInTree} order(s) in ${tree}:`,
    ...refusal.exceeded.map((limit) => `  - ${describeLimit(limit, refusal)}`),
    `the order files that would be removed:`,
    ...refusal.removedOrders.slice(0, listed).map((path) => `  ${path}`),
  ];
  if (removed > listed) lines.push(`  … and ${removed - listed} more`);
  return lines;
}

export function describeLimit(limit: RemovalLimit, facts: RemovalFacts): string {
  switch (limit.kind) {
    case "no-orders":
      return "the input holds no orders (an empty stdin, file or directory?), and an empty input never empties a tree";
    case "count":
      return `${facts.removedOrders.length} orders is more than the limit of ${limit.maxRemovedOrders} per render`;
    case "percent":
      return `${formatPercent(limit.removedPercent)} of the tree is more than the limit of ${limit.maxRemovedPercent} %`;
  }
}

function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} %`;
}
