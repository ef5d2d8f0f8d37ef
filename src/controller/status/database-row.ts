import type { PowerStatus, VmStateRow } from "../../platform/database/vm-state.ts";
import { findCondition } from "./conditions.ts";
import type { OrderFacts, OrderStatus, VirtualMachineObservation } from "./order-status.ts";
import { fulfillmentStateFor, powerStatusFor } from "./printable-status.ts";

/** The observation a database row records, beside the computed status. */
export interface StatusObservation {
  /** The order's `metadata.resourceVersion` (stored for diagnosis; never compared). */
  readonly resourceVersion: string;
  /** From the controller's ObservationClock, taken before the inputs were read (ADR 0008). */
  readonly observedAt: Date;
  /** `status` of the KubeVirt VirtualMachine; absent when it does not exist. */
  readonly virtualMachine?: VirtualMachineObservation;
}

/**
 * SSVirt power status: an order being deleted is DELETING while its VM exists and DELETED once it
 * is gone; a VM not created yet is STARTING, or POWERED_OFF when the order was refused (nothing
 * will be created); otherwise the printable-status table.
 */
export function powerStatusOf(order: Pick<OrderFacts, "deletionTimestamp">, accepted: boolean, virtualMachine: VirtualMachineObservation | undefined): PowerStatus {
  if (order.deletionTimestamp) return virtualMachine ? "DELETING" : "DELETED";
  if (!virtualMachine) return accepted ? "STARTING" : "POWERED_OFF";
  return powerStatusFor(virtualMachine.printableStatus);
}

/** The status store row for one observation of one order. */
export function toDatabaseRow(order: OrderFacts & { readonly uid: string }, status: OrderStatus, observed: StatusObservation, hub?: string): VmStateRow {
  const accepted = findCondition(status.conditions, "Accepted")?.status === "True";
  return {
    orderUid: order.uid,
    virtualMachineUuid: order.orderUuid ?? null,
    namespace: order.namespace,
    name: order.name,
    state: fulfillmentStateFor(status.phase ?? "Progressing"),
    powerStatus: powerStatusOf(order, accepted, observed.virtualMachine),
    ipAddresses: status.ipAddresses ?? [],
    conditions: status.conditions ?? [],
    desiredConfigVersion: status.desiredConfigVersion ?? null,
    reconciledConfigVersion: status.reconciledConfigVersion ?? null,
    resourceVersion: observed.resourceVersion,
    ...(hub !== undefined ? { hub } : {}),
    observedGeneration: order.generation,
    observedAt: observed.observedAt,
  };
}
