import { Annotations, Labels, type ManagedBy } from "../../api/well-known.ts";
import { rolloutBucket, rolloutKey } from "../../domain/rollout.ts";
import type { LiveObject } from "../live-object.ts";
import type { LabelSelector } from "./types.ts";

/** `matchLabels`/`matchExpressions` as the `labelSelector` query text the API server takes. */
export function selectorText(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(",");
    if (expression.operator === "In") parts.push(`${expression.key} in (${values})`);
    else if (expression.operator === "NotIn") parts.push(`${expression.key} notin (${values})`);
    else if (expression.operator === "Exists") parts.push(expression.key);
    else parts.push(`!${expression.key}`);
  }
  return parts.join(",");
}

/** The bucket key of a stored order: its uuid label, else `namespace/name` (the webhook's rule). */
export function orderBucket(order: LiveObject): number {
  const uuid = order.metadata.labels?.[Labels.orderUuid];
  return rolloutBucket(rolloutKey({ ...(uuid ? { uuid } : {}), namespace: order.metadata.namespace ?? "", name: order.metadata.name ?? "", requestUid: "" }));
}

export interface Selected {
  /** Orders still on `aap` (or unset) whose bucket is below the percentage, by name. */
  readonly candidates: readonly LiveObject[];
  /** Orders in the percentage already on another mode: not ours to adopt. */
  readonly skipped: number;
}

/**
 * The percentage chooses orders by bucket, as the webhook's staged rollout does: raising it only
 * adds orders (a FleetMigration at 10 % and a later one at 25 % take disjoint new orders plus the
 * ones the first refused). Deleting orders are left out. Pure.
 */
export function selectByPercentage(orders: readonly LiveObject[], percentage: number): Selected {
  const candidates: LiveObject[] = [];
  let skipped = 0;
  for (const order of orders) {
    if (order.metadata.deletionTimestamp) continue;
    if (orderBucket(order) >= percentage) continue;
    const mode = (order.metadata.annotations?.[Annotations.managedBy] as ManagedBy | undefined) ?? "aap";
    if (mode === "aap") candidates.push(order);
    else skipped += 1;
  }
  candidates.sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  return { candidates, skipped };
}

/** Consecutive batches of `size`. */
export function planBatches(names: readonly string[], size: number): string[][] {
  const batches: string[][] = [];
  for (let start = 0; start < names.length; start += size) batches.push(names.slice(start, start + size));
  return batches;
}
