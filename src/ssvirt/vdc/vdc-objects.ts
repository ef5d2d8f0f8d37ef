import type { VdcView } from "../model/records.ts";
import type { KubeObject } from "./kube-object.ts";
import { limitRangeObject } from "./limit-range.ts";
import { namespaceAnnotations, namespaceLabels } from "./metadata.ts";
import { networkPolicyObject, type IngressPort } from "./network-policy.ts";
import { quotaHard, resourceQuotaObject } from "./resource-quota.ts";
import { vdcState, type VdcState } from "./vdc-state.ts";

export interface VdcObjects {
  readonly state: VdcState;
  /** Namespace, ResourceQuota, LimitRange, NetworkPolicy: the order they are applied in. */
  readonly objects: readonly KubeObject[];
  readonly warnings: readonly string[];
}

/**
 * Everything one VDC's namespace holds from this project. The same objects are rendered into Git
 * and server-side applied by the controller. `ports`: what the VDC's LoadBalancer Services lead
 * to (from the rendered tree or from watched Services). Pure.
 */
export function vdcObjects(view: VdcView, ports: readonly IngressPort[]): VdcObjects {
  const state = vdcState(view);
  const quota = quotaHard(view, state);
  const namespace: KubeObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: view.vdc.namespace, labels: namespaceLabels(view), annotations: namespaceAnnotations(view) },
  };
  return {
    state,
    objects: [namespace, resourceQuotaObject(view, quota.hard), limitRangeObject(view, quota.hard), networkPolicyObject(view, ports)],
    warnings: quota.warnings,
  };
}
