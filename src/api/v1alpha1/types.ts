/**
 * `cloudkit.openshift.io/v1alpha1` `VirtualMachine`: the order as fulfillment-service writes it
 * (upstream-compatible). The CRD schema for this version is `crds/cloudkit.openshift.io_virtualmachines.yaml`.
 */
export const API_VERSION = "cloudkit.openshift.io/v1alpha1";

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  [key: string]: unknown;
}

export interface VirtualMachineSpec {
  /** Template to use, e.g. `cloudkit.templates.ocp_virt_vm`. */
  templateID: string;
  /** JSON-encoded map of parameter values (a string, not an object). */
  templateParameters?: string;
}

/** `Unknown`: the order's hub cannot be reached (docs/adr/0031-status-from-every-hub.md); the last known status is kept. */
export type Phase = "Progressing" | "Failed" | "Ready" | "Deleting" | "Unknown";
export type ConditionType = "Accepted" | "Progressing" | "Available" | "Deleting" | "Degraded";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface VirtualMachineStatus {
  phase?: Phase;
  conditions?: Condition[];
  virtualMachineReference?: { namespace: string; kubeVirtVirtualMachineName: string };
  tenantReference?: { name: string; namespace: string };
  desiredConfigVersion?: string;
  reconciledConfigVersion?: string;
}

export interface VirtualMachine {
  apiVersion: typeof API_VERSION;
  kind: "VirtualMachine";
  metadata: ObjectMeta;
  spec: VirtualMachineSpec;
  status?: VirtualMachineStatus;
}
