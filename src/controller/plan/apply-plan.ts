import type { KubeObject } from "../../render/render-order.ts";
import type { BlockedChange } from "../status/order-status.ts";
import { childKey, isNamespace, type LiveChild } from "./children.ts";

export interface ApplyPlan {
  /** Objects to server-side apply, in the role's order (the tenant Namespace first). */
  readonly apply: KubeObject[];
  /** Live children that are no longer rendered (e.g. the SSH Secret after the key was dropped). */
  readonly remove: LiveChild[];
  /** A change that cannot be applied in place; reported in a condition, not retried. */
  readonly blocked?: BlockedChange;
}

const DATA_VOLUME = "cdi.kubevirt.io/v1beta1/DataVolume";

/**
 * What direct-apply mode must do to converge: nothing while every rendered child is live with the
 * order's config version; otherwise apply every rendered object (server-side apply is idempotent),
 * except a DataVolume whose live spec differs (CDI rejects spec updates), and remove live children
 * that are no longer rendered. Pure.
 */
export function planApply(desired: readonly KubeObject[], live: readonly LiveChild[], desiredConfigVersion: string): ApplyPlan {
  const liveByKey = new Map(live.map((child) => [childKey(child), child]));
  const desiredKeys = new Set(desired.map((object) => childKey(object)));
  const remove = live.filter((child) => !desiredKeys.has(childKey(child)) && !child.deleting);

  let blocked: BlockedChange | undefined;
  const apply = desired.filter((object) => {
    if (`${object.apiVersion}/${object.kind}` !== DATA_VOLUME) return true;
    const current = liveByKey.get(childKey(object));
    if (!current || specContains(current.spec, object.spec)) return true;
    blocked = {
      reason: "DataVolumeSpecImmutable",
      message:
        `DataVolume ${object.metadata.namespace}/${object.metadata.name} cannot be changed in place (CDI rejects spec updates): ` +
        "the root disk keeps its image, size and class; re-create the order to change them",
    };
    return false;
  });

  const converged = desired
    .filter((object) => !isNamespace(object))
    .every((object) => liveByKey.get(childKey(object))?.configVersion === desiredConfigVersion);
  return { apply: converged ? [] : apply, remove, ...(blocked ? { blocked } : {}) };
}

/** Whether every field of `wanted` has the same value in `actual` (fields set by others are ignored). */
export function specContains(actual: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== "object") return actual === wanted;
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((item, index) => specContains(actual[index], item));
  }
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
  return Object.entries(wanted).every(([key, value]) => specContains((actual as Record<string, unknown>)[key], value));
}
