import { isDeepStrictEqual } from "node:util";
import type { Condition } from "../../api/v1alpha1/types.ts";
import type { OrderStatus } from "./order-status.ts";

/**
 * True when writing `b` over `a` would change nothing a reader can see: conditions compare as a
 * map keyed by type (the CRD's list-map), absent and empty `ipAddresses` are the same, absent and
 * `undefined` fields are the same. The controller skips the /status write when this holds.
 */
export function statusEqual(a: OrderStatus | undefined, b: OrderStatus | undefined): boolean {
  return isDeepStrictEqual(normalise(a ?? {}), normalise(b ?? {}));
}

function normalise(status: OrderStatus): Record<string, unknown> {
  const { conditions, ipAddresses, ...rest } = status;
  const out: Record<string, unknown> = dropUndefined(rest);
  if (conditions && conditions.length > 0) {
    out.conditions = [...conditions].sort((x, y) => (x.type < y.type ? -1 : x.type > y.type ? 1 : 0)).map(normaliseCondition);
  }
  if (ipAddresses && ipAddresses.length > 0) out.ipAddresses = [...ipAddresses];
  return out;
}

function normaliseCondition(condition: Condition): Record<string, unknown> {
  return dropUndefined({ ...condition });
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out[key] = item !== null && typeof item === "object" && !Array.isArray(item) ? dropUndefined(item as Record<string, unknown>) : item;
  }
  return out;
}
