import type { VdcView } from "../model/records.ts";
import { objectAnnotations, objectLabels } from "./metadata.ts";
import type { KubeObject } from "./kube-object.ts";

export const LIMIT_RANGE_NAME = "vdc-limits";

/** Requests given to a container that states none (helper pods; KubeVirt always sets a VM pod's). */
export const DEFAULT_REQUEST = { cpu: "100m", memory: "128Mi" } as const;
/**
 * Limits given to a container that states none, only for a resource whose `limits.*` the quota
 * constrains (a quota on limits rejects any container without one). KubeVirt's AutoResourceLimits
 * sets a VM pod's own limits in such namespaces, so this reaches helper containers only.
 */
export const DEFAULT_LIMIT = { cpu: "1", memory: "1Gi" } as const;

/**
 * The VDC's LimitRange (SSVirt creates none; docs/adr/0022): default requests always, default
 * limits where the quota needs limits. Deliberately no `max`/`min`: a `max` makes the API server
 * reject every container without a limit, which is every VM pod on a KubeVirt without
 * AutoResourceLimits; the ResourceQuota already caps the VDC as a whole, which is the VDC
 * allocation's meaning. Pure.
 */
export function limitRangeObject(view: VdcView, quotaHard: Readonly<Record<string, string>>): KubeObject {
  const defaultLimit: Record<string, string> = {};
  if (quotaHard["limits.cpu"] !== undefined) defaultLimit.cpu = DEFAULT_LIMIT.cpu;
  if (quotaHard["limits.memory"] !== undefined) defaultLimit.memory = DEFAULT_LIMIT.memory;
  const containerLimits = {
    type: "Container",
    defaultRequest: { ...DEFAULT_REQUEST },
    ...(Object.keys(defaultLimit).length > 0 ? { default: defaultLimit } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: LIMIT_RANGE_NAME, namespace: view.vdc.namespace, labels: objectLabels(view, "limit-range"), annotations: objectAnnotations(view) },
    spec: { limits: [containerLimits] },
  };
}
