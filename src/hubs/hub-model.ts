import {
  DEFAULT_HUB_NAMESPACE,
  DEFAULT_HUB_TYPE,
  DEFAULT_KUBECONFIG_KEY,
  REACHABLE_CONDITION,
  type Hub,
  type HubCondition,
} from "../api/gitops/v1alpha1/hub.ts";
import type { HubCandidate, HubResources } from "../domain/placement/place.ts";
import { quantityValue } from "../domain/placement/quantity-bytes.ts";

/**
 * A Hub as the registry's users read it: defaults applied, the memory capacity in bytes, the
 * `Reachable` condition picked out. Built from an object the API server has validated (or the
 * offline file reader has), so it tolerates absent optional fields and never throws.
 */
export interface HubModel {
  readonly name: string;
  readonly generation: number;
  readonly creationTimestamp?: string;
  readonly capabilities: readonly string[];
  readonly hubType: string;
  readonly namespace: string;
  readonly kubeconfigSecret: { readonly name: string; readonly key: string };
  readonly labels: Readonly<Record<string, string>>;
  /** Absent dimensions are not limited. */
  readonly capacity: HubResources;
  readonly cordoned: boolean;
  readonly sealingCertificate?: string;
  readonly defaultStorageClass?: string;
  readonly argocdClusterName?: string;
  readonly reachable?: HubCondition;
  readonly lastProbeTime?: string;
  /** As the prober last wrote it (for display; placement uses its own tally). */
  readonly allocated?: HubResources;
}

export function hubModel(hub: Hub): HubModel {
  const spec = hub.spec ?? ({} as Hub["spec"]);
  const status = hub.status ?? {};
  // JSON carries it as a string (client-node's types say Date, for objects it deserialised itself).
  const created = (hub.metadata as { creationTimestamp?: unknown }).creationTimestamp;
  const reachable = status.conditions?.find((condition) => condition.type === REACHABLE_CONDITION);
  const capacity: { vms?: number; vcpus?: number; memoryBytes?: number } = {};
  if (typeof spec.capacity?.vms === "number") capacity.vms = spec.capacity.vms;
  if (typeof spec.capacity?.vcpus === "number") capacity.vcpus = spec.capacity.vcpus;
  const memoryBytes = typeof spec.capacity?.memory === "string" ? quantityValue(spec.capacity.memory) : undefined;
  if (memoryBytes !== undefined) capacity.memoryBytes = memoryBytes;
  const allocatedMemory = typeof status.allocated?.memory === "string" ? quantityValue(status.allocated.memory) : undefined;
  return {
    name: hub.metadata.name,
    generation: hub.metadata.generation ?? 0,
    ...(typeof created === "string" ? { creationTimestamp: created } : {}),
    capabilities: Array.isArray(spec.capabilities) ? spec.capabilities : [],
    hubType: spec.hubType ?? DEFAULT_HUB_TYPE,
    namespace: spec.namespace ?? DEFAULT_HUB_NAMESPACE,
    kubeconfigSecret: { name: spec.kubeconfigSecretRef?.name ?? "", key: spec.kubeconfigSecretRef?.key ?? DEFAULT_KUBECONFIG_KEY },
    labels: spec.labels ?? {},
    capacity,
    cordoned: spec.cordoned === true,
    ...(spec.sealingCertificate ? { sealingCertificate: spec.sealingCertificate } : {}),
    ...(spec.defaultStorageClass ? { defaultStorageClass: spec.defaultStorageClass } : {}),
    ...(spec.argocdClusterName ? { argocdClusterName: spec.argocdClusterName } : {}),
    ...(reachable ? { reachable } : {}),
    ...(status.lastProbeTime ? { lastProbeTime: status.lastProbeTime } : {}),
    ...(status.allocated
      ? { allocated: { vms: status.allocated.vms ?? 0, vcpus: status.allocated.vcpus ?? 0, ...(allocatedMemory !== undefined ? { memoryBytes: allocatedMemory } : {}) } }
      : {}),
  };
}

/** Why a hub counts as unreachable, for the denial message: the condition's reason and message. */
export function unreachableReason(hub: HubModel): string {
  const condition = hub.reachable;
  if (!condition) return "no probe yet";
  if (condition.status === "True") return "";
  return condition.message ? `${condition.reason}: ${condition.message}` : condition.reason;
}

/** The hub as the placement function sees it, with what is allocated on it now. */
export function placementCandidate(hub: HubModel, allocated: HubResources): HubCandidate {
  const reachable = hub.reachable?.status === "True";
  return {
    id: hub.name,
    capabilities: hub.capabilities,
    labels: hub.labels,
    capacity: hub.capacity,
    allocated,
    cordoned: hub.cordoned,
    reachable,
    ...(reachable ? {} : { unreachableReason: unreachableReason(hub) }),
  };
}
