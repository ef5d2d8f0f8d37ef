/**
 * What the status store keeps per order: the fulfillment-facing view of one VM (SSVirt / the
 * fulfillment service), keyed by the order's Kubernetes uid. Plain data, no I/O.
 */

/** fulfillment-service order state. */
export const FULFILLMENT_STATES = ["PROGRESSING", "READY", "FAILED"] as const;
export type FulfillmentState = (typeof FULFILLMENT_STATES)[number];

/** SSVirt power status (PARITY.md), plus UNKNOWN while KubeVirt reports `Unknown`. */
export const POWER_STATUSES = [
  "POWERED_ON",
  "POWERED_OFF",
  "POWERING_ON",
  "POWERING_OFF",
  "STARTING",
  "SUSPENDED",
  "ERROR",
  "DELETING",
  "DELETED",
  "UNKNOWN",
] as const;
export type PowerStatus = (typeof POWER_STATUSES)[number];

/** A metav1.Condition as stored (the order's status conditions, verbatim). */
export interface StoredCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number;
}

/**
 * One observation of one order, as the controller writes it.
 *
 * Ordering: a write is applied only when `(observedGeneration, observedAt)` is not older than the
 * stored pair (ADR 0008). `observedGeneration` is the order's `metadata.generation`;
 * `observedAt` is the time the controller started reading the inputs of this observation, from a
 * per-process monotonic clock (`ObservationClock`). `resourceVersion` is stored for diagnosis
 * only and never compared.
 */
export interface VmStateRow {
  /** The order's `metadata.uid`: the primary key. */
  readonly orderUid: string;
  /** fulfillment-service's id for the VM (`cloudkit.openshift.io/virtualmachine-uuid`), if any. */
  readonly virtualMachineUuid: string | null;
  /** The order's namespace and name. */
  readonly namespace: string;
  readonly name: string;
  readonly state: FulfillmentState;
  readonly powerStatus: PowerStatus;
  /** Guest addresses first, then LoadBalancer ingress; order is significant. */
  readonly ipAddresses: readonly string[];
  readonly conditions: readonly StoredCondition[];
  readonly desiredConfigVersion: string | null;
  readonly reconciledConfigVersion: string | null;
  /** The order's `metadata.resourceVersion` this observation came from (opaque; not compared). */
  readonly resourceVersion: string;
  /** The hub the order's children run on (`cloudkit.openshift.io/hub`); null in single-cluster mode. Optional for writers that predate hubs. */
  readonly hub?: string | null;
  /** The order's `metadata.generation` (first half of the ordering key). */
  readonly observedGeneration: number;
  /** When the observation's inputs were read (second half of the ordering key). */
  readonly observedAt: Date;
}

/** A stored row, with the store's own bookkeeping. */
export interface VmStateRecord extends VmStateRow {
  /** Set once by `markDeleted`; the row accepts no further observations. */
  readonly deletedAt: Date | null;
  readonly createdAt: Date;
  /** Last time any stored field other than the ordering key and resourceVersion changed. */
  readonly updatedAt: Date;
}

/** One append-only history entry: written when state, power, addresses or versions change. */
export interface VmStateHistoryRecord {
  readonly id: number;
  readonly orderUid: string;
  readonly state: FulfillmentState;
  readonly powerStatus: PowerStatus;
  readonly ipAddresses: readonly string[];
  readonly desiredConfigVersion: string | null;
  readonly reconciledConfigVersion: string | null;
  readonly resourceVersion: string;
  readonly observedGeneration: number;
  readonly observedAt: Date;
  readonly recordedAt: Date;
}

/**
 * What an upsert did:
 * - `inserted`: first observation of this order;
 * - `updated`: a stored field changed (history row appended when a tracked field changed);
 * - `observed`: nothing but the ordering key / resourceVersion moved forward (no history, no NOTIFY);
 * - `unchanged`: the identical row was already stored;
 * - `stale`: an older observation than the stored one; ignored;
 * - `deleted`: the order is already marked deleted; ignored.
 */
export type UpsertOutcome = "inserted" | "updated" | "observed" | "unchanged" | "stale" | "deleted";

export interface UpsertResult {
  /** True when a stored field other than the ordering key changed (and NOTIFY was raised). */
  readonly changed: boolean;
  readonly outcome: UpsertOutcome;
  /** True when a history row was appended. */
  readonly historyAppended: boolean;
}

/**
 * A change notification. `resync`: notifications may have been lost (the listening connection was
 * re-established); consumers should re-read whatever they cache.
 */
export type VmStateChange =
  | { readonly kind: "changed"; readonly orderUid: string }
  | { readonly kind: "resync"; readonly reason: string };

/** The NOTIFY channel; the payload is the order uid. */
export const VM_STATE_CHANNEL = "osac_vm_state";
