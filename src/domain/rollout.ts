import type { ManagedBy } from "../api/well-known.ts";
import { fnv1a64 } from "./hashing/fnv1a64.ts";

/**
 * Which path owns a new order (`cloudkit.openshift.io/managed-by`): a default mode, and a staged
 * rollout that gives a percentage of new orders another mode. An order's bucket is a stable hash
 * of its identity, so the same order always lands in the same bucket and raising the percentage
 * only ever moves orders from the default into the rollout mode (buckets below the old percentage
 * stay below the new one).
 */
export interface ManagedByPolicy {
  readonly defaultMode: ManagedBy;
  readonly rollout?: {
    readonly mode: Exclude<ManagedBy, "aap">;
    /** Whole percent of new orders, 0–100 (the configuration checks the range). */
    readonly percent: number;
  };
}

export const ROLLOUT_BUCKETS = 100;

/** FNV-1a-64 of the key's UTF-8 bytes, as an unsigned 64-bit integer, modulo 100. */
export function rolloutBucket(key: string): number {
  const hash = BigInt(`0x${Buffer.from(fnv1a64(Buffer.from(key, "utf8"))).toString("hex")}`);
  return Number(hash % BigInt(ROLLOUT_BUCKETS));
}

/** What identifies an order before it is stored. */
export interface RolloutIdentity {
  /** The `cloudkit.openshift.io/virtualmachine-uuid` label (fulfillment-service's order id). */
  readonly uuid?: string;
  readonly namespace?: string;
  /** Empty on a `generateName` create: the API server names the object after mutating admission. */
  readonly name?: string;
  /**
   * The admission request's uid, for orders with neither a uuid label nor a name: such an order has
   * no identity yet, and hashing `namespace/generateName` would put every one of them in one bucket.
   */
  readonly requestUid: string;
}

/**
 * The key an order is bucketed by: the uuid label (the same id the firmware UUID derives from),
 * else `namespace/name`, else the request uid. The order's mode is written once, on create, so the
 * key only needs to be stable for as long as that one request.
 */
export function rolloutKey(identity: RolloutIdentity): string {
  if (identity.uuid) return identity.uuid;
  if (identity.name) return `${identity.namespace ?? ""}/${identity.name}`;
  return identity.requestUid;
}

/** The mode for a new order: the rollout mode for buckets below the percentage, else the default. */
export function managedByFor(policy: ManagedByPolicy, key: string): ManagedBy {
  const rollout = policy.rollout;
  if (rollout === undefined || rollout.percent <= 0) return policy.defaultMode;
  return rolloutBucket(key) < rollout.percent ? rollout.mode : policy.defaultMode;
}
