import type { VdcView } from "../model/records.ts";
import { objectAnnotations, objectLabels } from "./metadata.ts";
import { canonicalMebibytes, canonicalMillicores } from "./quantity.ts";
import type { VdcState } from "./vdc-state.ts";
import type { KubeObject } from "./kube-object.ts";

export const QUOTA_NAME = "vdc-quota";

/** SSVirt's defaults for every VDC (services/kubernetes.go `createResourceQuota`). */
export const DEFAULT_QUOTA: Readonly<Record<string, string>> = {
  pods: "50",
  persistentvolumeclaims: "20",
  services: "10",
  secrets: "50",
  configmaps: "50",
};

/**
 * "No new VMs": an object-count quota of zero on KubeVirt VirtualMachines. Object counts are
 * checked only on create, so existing VMs are untouched: they keep running, restart and live-migrate
 * (their pods' CPU and memory stay within the VDC's usual quota). VirtualMachineInstances are not
 * counted: starting or restarting an existing VM creates one (docs/adr/0022).
 */
export const NO_NEW_VMS = { "count/virtualmachines.kubevirt.io": "0" } as const;

/** Largest limit written as is: beyond it `n * 1000` or `n * 2^20` would lose precision. */
const MAX_SAFE_LIMIT = Math.floor(Number.MAX_SAFE_INTEGER / (1 << 20));

export interface QuotaResult {
  readonly hard: Record<string, string>;
  /** Why a configured limit was not turned into quota (SSVirt logs the same warnings). */
  readonly warnings: string[];
}

/**
 * The quota's `spec.hard`. CPU only when `cpu_limit > 0` and the units are Kubernetes-compatible:
 * `cores` → `n * 1000` millicores, `millicores` → `n` millicores, for both `requests.cpu` and
 * `limits.cpu`; `MHz` (SSVirt's default) and other units set no CPU quota. Memory when
 * `memory_limit > 0`: `<n>Mi` for both requests and limits, whatever `memory_units` says (SSVirt
 * reads its default unit `MB` as MiB). Pure.
 */
export function quotaHard(view: VdcView, state: VdcState): QuotaResult {
  const { vdc } = view;
  const hard: Record<string, string> = { ...DEFAULT_QUOTA };
  const warnings: string[] = [];
  if (vdc.cpuLimit > 0) {
    const millicores = vdc.cpuUnits === "cores" ? vdc.cpuLimit * 1000 : vdc.cpuUnits === "millicores" ? vdc.cpuLimit : undefined;
    if (millicores === undefined) {
      warnings.push(`cpu_limit ${vdc.cpuLimit} ${vdc.cpuUnits}: no CPU quota (units other than cores and millicores have no Kubernetes equivalent)`);
    } else if (vdc.cpuLimit > MAX_SAFE_LIMIT) {
      warnings.push(`cpu_limit ${vdc.cpuLimit} ${vdc.cpuUnits}: too large; no CPU quota`);
    } else {
      hard["requests.cpu"] = canonicalMillicores(millicores);
      hard["limits.cpu"] = canonicalMillicores(millicores);
    }
  }
  if (vdc.memoryLimit > 0) {
    if (vdc.memoryLimit > MAX_SAFE_LIMIT) warnings.push(`memory_limit ${vdc.memoryLimit} ${vdc.memoryUnits}: too large; no memory quota`);
    else {
      hard["requests.memory"] = canonicalMebibytes(vdc.memoryLimit);
      hard["limits.memory"] = canonicalMebibytes(vdc.memoryLimit);
    }
  }
  if (state !== "enabled") Object.assign(hard, NO_NEW_VMS);
  return { hard, warnings };
}

export function resourceQuotaObject(view: VdcView, hard: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: QUOTA_NAME, namespace: view.vdc.namespace, labels: objectLabels(view, "resource-quota"), annotations: objectAnnotations(view) },
    spec: { hard: sortedKeys(hard) },
  };
}

function sortedKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
