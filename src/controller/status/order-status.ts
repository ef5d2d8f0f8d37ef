/**
 * The inputs and output of the order status computation: plain data the reconciler gathers from
 * its informer caches, so the rules in `compute-order-status.ts` stay pure and table-testable.
 */
import type { Condition, VirtualMachineStatus } from "../../api/v1alpha1/types.ts";

/**
 * The order's status as the controller writes it: the v1alpha1 status plus `ipAddresses`
 * (guest addresses from the VirtualMachineInstance first, then LoadBalancer ingress), which the
 * CRD must declare before the API server keeps it.
 */
export interface OrderStatus extends VirtualMachineStatus {
  ipAddresses?: string[];
}

/** The condition types this controller owns; others found in the previous status are kept as they are. */
export const CONDITION_TYPES = ["Accepted", "Progressing", "Available", "Degraded", "Deleting"] as const;
export type OwnConditionType = (typeof CONDITION_TYPES)[number];

/** What the status needs to know about the order itself (valid or not). */
export interface OrderFacts {
  readonly name: string;
  readonly namespace: string;
  /** `metadata.uid`; required by `toDatabaseRow`. */
  readonly uid?: string;
  /** `metadata.generation`: every condition's `observedGeneration`. */
  readonly generation: number;
  readonly deletionTimestamp?: string;
  /** FNV-1a-64 of the spec (`desiredConfigVersion` in `src/domain/config-version.ts`). */
  readonly desiredConfigVersion?: string;
  /** The `cloudkit.openshift.io/tenant` annotation; absent on an order that lacks it. */
  readonly tenant?: string;
  /** The `cloudkit.openshift.io/virtualmachine-uuid` label (fulfillment's VM id). */
  readonly orderUuid?: string;
}

export type Acceptance =
  | { readonly accepted: true }
  /** `reason`: CamelCase (made so if it is not); `message`: the validation errors, one per line. */
  | { readonly accepted: false; readonly reason: string; readonly message: string };

/** One child the order should have (from the render), and what is live. */
export interface ChildObservation {
  readonly kind: string;
  readonly name: string;
  readonly exists: boolean;
  /** The live object's `cloudkit.openshift.io/config-version` annotation. */
  readonly configVersion?: string;
}

export interface ObservedCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** `status` of the KubeVirt VirtualMachine. */
export interface VirtualMachineObservation {
  readonly printableStatus?: string;
  readonly ready?: boolean;
  readonly conditions?: readonly ObservedCondition[];
}

/** `status` of the KubeVirt VirtualMachineInstance. */
export interface VirtualMachineInstanceObservation {
  readonly phase?: string;
  readonly interfaces?: readonly {
    readonly name?: string;
    readonly ipAddress?: string;
    readonly ipAddresses?: readonly string[];
  }[];
}

/** `status` of the CDI DataVolume (root disk). */
export interface DataVolumeObservation {
  readonly phase?: string;
  /** e.g. `"45.00%"`. */
  readonly progress?: string;
  readonly conditions?: readonly ObservedCondition[];
}

/** `status` of the LoadBalancer Service. */
export interface ServiceObservation {
  readonly loadBalancer?: {
    readonly ingress?: readonly { readonly ip?: string; readonly hostname?: string }[];
  };
}

/** A desired change that cannot be applied in place (e.g. CDI refuses DataVolume spec updates). */
export interface BlockedChange {
  readonly reason: string;
  readonly message: string;
}

export interface OrderStatusInput {
  readonly order: OrderFacts;
  readonly acceptance: Acceptance;
  /** Every child the order should have; `exists: false` for those not (yet) live. */
  readonly children: readonly ChildObservation[];
  /** Absent when the KubeVirt VirtualMachine does not exist; `{}` when it has no status yet. */
  readonly virtualMachine?: VirtualMachineObservation;
  readonly virtualMachineInstance?: VirtualMachineInstanceObservation;
  readonly dataVolume?: DataVolumeObservation;
  readonly service?: ServiceObservation;
  readonly blocked?: BlockedChange;
  /**
   * The children carry keyed config versions (sealed output) and the controller has no key to
   * compare them with: whether they are current cannot be told.
   */
  readonly configVersionsUnverifiable?: boolean;
  /** The order's current `status` (conditions keep their lastTransitionTime from it). */
  readonly previous?: OrderStatus;
  readonly now: Date;
}

export type { Condition };
