/**
 * `gitops.cloudkit.openshift.io/v1alpha1` `Hub`: one hub cluster that VM orders can be placed on
 * (docs/adr/0024-hub-registry-and-placement.md). Cluster-scoped. The CRD is
 * `crds/gitops.cloudkit.openshift.io_hubs.yaml`; `hub-schema.ts` checks the same rules offline.
 */
export const GITOPS_GROUP = "gitops.cloudkit.openshift.io";
export const HUB_VERSION = "v1alpha1";
export const HUB_API_VERSION = `${GITOPS_GROUP}/${HUB_VERSION}`;
export const HUB_KIND = "Hub";
export const HUB_LIST_KIND = "HubList";
export const HUB_PLURAL = "hubs";
/** REST path of the Hub collection. */
export const HUBS_PATH = `/apis/${HUB_API_VERSION}/${HUB_PLURAL}`;

/** fulfillment-service's `Hub.capabilities` values. */
export const HUB_CAPABILITIES = ["clusters", "virtualmachines"] as const;
export type HubCapability = (typeof HUB_CAPABILITIES)[number];
/** fulfillment-service's `hub_type` values (informational). */
export const HUB_TYPES = ["cluster", "vmaas", "hybrid"] as const;
export type HubType = (typeof HUB_TYPES)[number];

export const DEFAULT_HUB_TYPE: HubType = "vmaas";
/** fulfillment-service's `--vmaas-hub-namespace` default. */
export const DEFAULT_HUB_NAMESPACE = "vmaas-system";
export const DEFAULT_KUBECONFIG_KEY = "kubeconfig";

/** The condition the hub prober writes. */
export const REACHABLE_CONDITION = "Reachable";

/** Reasons of the `Reachable` condition. */
export const ReachableReasons = {
  /** True: the API server answered through the kubeconfig, and what the capabilities claim is served. */
  probed: "Probed",
  /** The Secret, or its key, does not exist. */
  kubeconfigMissing: "KubeconfigMissing",
  /** The Secret's kubeconfig cannot be used (not YAML, no current context, exec plugins, file references…). */
  kubeconfigInvalid: "KubeconfigInvalid",
  /** HTTP 401: the credentials were refused. */
  unauthorized: "Unauthorized",
  /** HTTP 403: the credentials may not read API discovery. */
  forbidden: "Forbidden",
  /** No answer: connection refused, DNS, TLS verification, timeout, or an HTTP error other than the above. */
  unreachable: "Unreachable",
  /** The hub claims `virtualmachines` but kubevirt.io/v1 virtualmachines or cdi.kubevirt.io/v1beta1 datavolumes are not served. */
  kubeVirtNotServed: "KubeVirtNotServed",
} as const;
export type ReachableReason = (typeof ReachableReasons)[keyof typeof ReachableReasons];

export interface HubObjectMeta {
  name: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Secret in the hub secrets namespace (the controller's namespace); see the ADR. */
export interface KubeconfigSecretReference {
  name: string;
  /** @default "kubeconfig" */
  key?: string;
}

export interface HubCapacity {
  vms?: number;
  vcpus?: number;
  /** A Kubernetes quantity, e.g. `4Ti`. */
  memory?: string;
}

export interface HubSpec {
  capabilities: HubCapability[];
  /** @default "vmaas" */
  hubType?: HubType;
  /** @default "vmaas-system" */
  namespace?: string;
  kubeconfigSecretRef: KubeconfigSecretReference;
  labels?: Record<string, string>;
  /** An absent dimension is not limited. */
  capacity?: HubCapacity;
  /** @default false */
  cordoned?: boolean;
  sealingCertificate?: string;
  defaultStorageClass?: string;
  argocdClusterName?: string;
}

export interface HubCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface HubAllocation {
  vms: number;
  vcpus: number;
  /** A Kubernetes quantity in the largest binary unit that keeps it whole, e.g. `96Gi`. */
  memory: string;
}

export interface HubStatus {
  observedGeneration?: number;
  lastProbeTime?: string;
  allocated?: HubAllocation;
  conditions?: HubCondition[];
}

export interface Hub {
  apiVersion: typeof HUB_API_VERSION;
  kind: typeof HUB_KIND;
  metadata: HubObjectMeta;
  spec: HubSpec;
  status?: HubStatus;
}

export interface HubList {
  apiVersion: typeof HUB_API_VERSION;
  kind: typeof HUB_LIST_KIND;
  metadata?: { resourceVersion?: string };
  items: Hub[];
}
