import { REACHABLE_CONDITION, type HubCondition, type HubStatus } from "../api/gitops/v1alpha1/hub.ts";
import { formatQuantity } from "../domain/placement/quantity-bytes.ts";
import type { ProbeResult } from "./probe.ts";

export interface HubStatusInput {
  readonly generation: number;
  readonly previous: HubStatus | undefined;
  /** The latest probe and when it ended (RFC 3339, seconds); absent before the first one. */
  readonly probe: { readonly result: ProbeResult; readonly at: string } | undefined;
  readonly allocated: { readonly vms: number; readonly vcpus: number; readonly memoryBytes: number };
}

/**
 * The status the prober writes: the `Reachable` condition from the latest probe
 * (`lastTransitionTime` moves only when its status changes), `lastProbeTime`, the `allocated`
 * totals of the orders placed on the hub, and `observedGeneration`. Pure.
 */
export function hubStatus(input: HubStatusInput): HubStatus {
  const status: HubStatus = {
    observedGeneration: input.generation,
    allocated: { vms: input.allocated.vms, vcpus: input.allocated.vcpus, memory: formatQuantity(input.allocated.memoryBytes) },
  };
  const previousCondition = input.previous?.conditions?.find((condition) => condition.type === REACHABLE_CONDITION);
  if (input.probe === undefined) {
    // Nothing probed yet by this process: keep what is there rather than erase it.
    if (input.previous?.lastProbeTime) status.lastProbeTime = input.previous.lastProbeTime;
    if (previousCondition) status.conditions = [previousCondition];
    return status;
  }
  const conditionStatus = input.probe.result.reachable ? "True" : "False";
  const condition: HubCondition = {
    type: REACHABLE_CONDITION,
    status: conditionStatus,
    reason: input.probe.result.reason,
    message: input.probe.result.message,
    lastTransitionTime: previousCondition?.status === conditionStatus ? previousCondition.lastTransitionTime : input.probe.at,
    observedGeneration: input.generation,
  };
  status.lastProbeTime = input.probe.at;
  status.conditions = [condition];
  return status;
}

/** Whether two statuses say the same thing (conditions compared by type, in any order). */
export function hubStatusEqual(a: HubStatus | undefined, b: HubStatus | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(status: HubStatus | undefined): string {
  if (status === undefined) return "{}";
  const conditions = [...(status.conditions ?? [])].sort((x, y) => (x.type < y.type ? -1 : x.type > y.type ? 1 : 0)).map((condition) => ({
    type: condition.type,
    status: condition.status,
    reason: condition.reason,
    message: condition.message,
    lastTransitionTime: condition.lastTransitionTime,
    observedGeneration: condition.observedGeneration ?? null,
  }));
  return JSON.stringify({
    observedGeneration: status.observedGeneration ?? null,
    lastProbeTime: status.lastProbeTime ?? null,
    allocated: status.allocated ? { vms: status.allocated.vms, vcpus: status.allocated.vcpus, memory: status.allocated.memory } : null,
    conditions,
  });
}
