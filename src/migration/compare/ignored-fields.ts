/**
 * The one list of fields `diff --live` does not compare: what the API server, KubeVirt, CDI and
 * the other controllers on a hub write into an order's children. docs/adr/0027 shows the same
 * table (a unit test keeps the two in step). Each entry names its writer and why, and carries an
 * example of what the writer puts there (the property test writes every example into a rendered
 * object and expects no difference).
 *
 * Rules:
 * - `owned`: never compared, whatever the rendered object says (the writer owns the field);
 * - `defaulted`: filled in when the object does not set it; compared only when the rendered
 *   object sets it (then the live value must match what we render);
 * - `equivalent-quantity`: a Kubernetes quantity the writer re-formats ("4096Mi" → "4Gi"):
 *   compared by value, not by text.
 */

export const CHILD_KINDS = ["Secret", "DataVolume", "VirtualMachine", "Service"] as const;
export type ChildKind = (typeof CHILD_KINDS)[number];

/** `*` in a path: every element of an array. */
export const EACH = "*";

export type IgnoreRule = "owned" | "defaulted" | "equivalent-quantity";

export interface IgnoredField {
  readonly kinds: readonly ChildKind[] | "any";
  /** Object keys outermost first; `EACH` stands for every array element. */
  readonly path: readonly string[];
  readonly rule: IgnoreRule;
  /** Who writes the field. */
  readonly writer: string;
  readonly reason: string;
  /** Only values for which this holds are ignored (one finalizer of several, an empty object). */
  readonly applies?: (value: unknown) => boolean;
  /** What the writer puts there. */
  readonly example: unknown;
}

const API_SERVER = "kube-apiserver";
const VIRT_API = "KubeVirt virt-api (mutating webhook)";
const VIRT_CONTROLLER = "KubeVirt virt-controller";
const CDI = "CDI (cdi-apiserver webhook, cdi-deployment)";

const isEmptyObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
const is = (expected: unknown) => (value: unknown) => value === expected;
const ownerKindIs = (apiGroup: string, kind: string) => (value: unknown) => {
  const owner = value as { apiVersion?: unknown; kind?: unknown } | null;
  return typeof owner?.apiVersion === "string" && owner.apiVersion.startsWith(`${apiGroup}/`) && owner.kind === kind;
};

const annotation = (name: string) => ["metadata", "annotations", name];
const metadata = (name: string): IgnoredField => ({
  kinds: "any",
  path: ["metadata", name],
  rule: "owned",
  writer: API_SERVER,
  reason: "object bookkeeping the API server writes",
  example: name === "generation" ? 3 : name === "deletionGracePeriodSeconds" ? 0 : `${name}-value`,
});
const serviceDefault = (path: string[], example: unknown, reason: string): IgnoredField => ({
  kinds: ["Service"],
  path: ["spec", ...path],
  rule: "defaulted",
  writer: API_SERVER,
  reason,
  example,
});

export const IGNORED_FIELDS: readonly IgnoredField[] = [
  // Every kind: the API server's bookkeeping and status.
  { kinds: "any", path: ["status"], rule: "owned", writer: "the object's controller", reason: "observed state, not desired state", example: { phase: "Running" } },
  { kinds: "any", path: ["metadata", "managedFields"], rule: "owned", writer: API_SERVER, reason: "field ownership records (server-side apply)", example: [{ manager: "OpenAPI-Generator", operation: "Update" }] },
  metadata("uid"),
  metadata("resourceVersion"),
  metadata("generation"),
  metadata("creationTimestamp"),
  metadata("deletionTimestamp"),
  metadata("deletionGracePeriodSeconds"),
  metadata("selfLink"),
  {
    kinds: "any",
    path: ["metadata", "finalizers", EACH],
    rule: "owned",
    writer: "kube-controller-manager (garbage collector)",
    reason: "deletion in progress (foreground or orphan)",
    applies: (value) => value === "foregroundDeletion" || value === "orphan",
    example: "foregroundDeletion",
  },
  {
    kinds: "any",
    path: annotation("kubectl.kubernetes.io/last-applied-configuration"),
    rule: "owned",
    writer: "client-side apply (kubectl, the Ansible k8s module with apply: true)",
    reason: "a copy of the last applied object; it can hold Secret data, so it is never shown",
    example: "{\"kind\":\"Secret\"}",
  },
  {
    kinds: "any",
    path: annotation("argocd.argoproj.io/tracking-id"),
    rule: "owned",
    writer: "Argo CD (annotation tracking)",
    reason: "which Application manages the object (gitops orders)",
    example: "osac:/Secret:ns/name",
  },
  // Secrets.
  { kinds: ["Secret"], path: ["type"], rule: "defaulted", writer: API_SERVER, reason: "a Secret without a type is Opaque", applies: is("Opaque"), example: "Opaque" },
  {
    kinds: ["Secret"],
    path: ["metadata", "ownerReferences", EACH],
    rule: "owned",
    writer: "sealed-secrets controller",
    reason: "a Secret unsealed from a SealedSecret is owned by it",
    applies: ownerKindIs("bitnami.com", "SealedSecret"),
    example: { apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", name: "x", uid: "u", controller: true },
  },
  {
    kinds: ["Secret"],
    path: annotation("sealedsecrets.bitnami.com/managed"),
    rule: "defaulted",
    writer: "the operator, when sealed-secrets takes over a plain Secret (ADR 20)",
    reason: "lets the sealed-secrets controller overwrite a Secret it did not create",
    example: "true",
  },
  // Services: defaults of the Service API and the load balancer implementation.
  serviceDefault(["clusterIP"], "10.0.0.17", "allocated from the service CIDR"),
  serviceDefault(["clusterIPs"], ["10.0.0.17"], "allocated from the service CIDR"),
  serviceDefault(["ipFamilies"], ["IPv4"], "the cluster's IP family"),
  serviceDefault(["ipFamilyPolicy"], "SingleStack", "defaulted by the Service API"),
  serviceDefault(["sessionAffinity"], "None", "defaulted by the Service API"),
  serviceDefault(["internalTrafficPolicy"], "Cluster", "defaulted by the Service API"),
  serviceDefault(["externalTrafficPolicy"], "Cluster", "defaulted for LoadBalancer Services"),
  serviceDefault(["allocateLoadBalancerNodePorts"], true, "defaulted for LoadBalancer Services"),
  serviceDefault(["healthCheckNodePort"], 31999, "allocated when externalTrafficPolicy is Local"),
  serviceDefault(["ports", EACH, "nodePort"], 30123, "allocated from the node port range"),
  serviceDefault(["ports", EACH, "protocol"], "TCP", "defaulted by the Service API"),
  serviceDefault(["ports", EACH, "targetPort"], 22, "defaulted to the port"),
  ...["metallb.universe.tf/ip-allocated-from-pool", "metallb.io/ip-allocated-from-pool"].map(
    (name): IgnoredField => ({ kinds: ["Service"], path: annotation(name), rule: "defaulted", writer: "MetalLB", reason: "the pool the load balancer address came from", example: "default" }),
  ),
  // DataVolumes.
  {
    kinds: ["DataVolume"],
    path: annotation("cdi.kubevirt.io/storage.deleteAfterCompletion"),
    rule: "defaulted",
    writer: CDI,
    reason: "set on create when CDI garbage collection is on (the gitops profile renders \"false\", which is then compared)",
    example: "true",
  },
  ...["cdi.kubevirt.io/cloneToken", "cdi.kubevirt.io/storage.extended.clone.token"].map(
    (name): IgnoredField => ({ kinds: ["DataVolume"], path: annotation(name), rule: "owned", writer: CDI, reason: "clone authorisation token", example: "token" }),
  ),
  ...["pvc", "storage"].map(
    (claim): IgnoredField => ({
      kinds: ["DataVolume"],
      path: ["spec", claim, "storageClassName"],
      rule: "defaulted",
      writer: "osac-vm DataVolume webhook (cluster default class); CDI StorageProfile for `storage`",
      reason: "orders without storage_class get the cluster's class at apply time (ADR 3)",
      example: "standard",
    }),
  ),
  {
    kinds: ["DataVolume"],
    path: ["spec", "pvc", "resources", "requests", "storage"],
    rule: "equivalent-quantity",
    writer: "clients that re-format quantities",
    reason: "the same size in another notation",
    example: "10240Mi",
  },
  {
    kinds: ["DataVolume"],
    path: ["metadata", "ownerReferences", EACH],
    rule: "owned",
    writer: VIRT_CONTROLLER,
    reason: "KubeVirt adopts the DataVolumes of a VM's dataVolumeTemplates",
    applies: ownerKindIs("kubevirt.io", "VirtualMachine"),
    example: { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name: "vm", uid: "u", controller: true, blockOwnerDeletion: true },
  },
  // KubeVirt VirtualMachines.
  ...["kubevirt.io/latest-observed-api-version", "kubevirt.io/storage-observed-api-version"].map(
    (name): IgnoredField => ({ kinds: ["VirtualMachine"], path: annotation(name), rule: "owned", writer: VIRT_CONTROLLER, reason: "API versions the controller observed", example: "v1" }),
  ),
  {
    kinds: ["VirtualMachine"],
    path: ["metadata", "finalizers", EACH],
    rule: "owned",
    writer: VIRT_CONTROLLER,
    reason: "stops the VMI before the VM goes",
    applies: is("kubevirt.io/virtualMachineControllerFinalize"),
    example: "kubevirt.io/virtualMachineControllerFinalize",
  },
  {
    kinds: ["VirtualMachine"],
    path: ["spec", "template", "metadata", "creationTimestamp"],
    rule: "owned",
    writer: VIRT_API,
    reason: "the webhook re-marshals the spec from Go, which writes a null timestamp",
    example: null,
  },
  ...["kubevirt.io/pci-topology-version", "kubevirt.io/pci-interface-slot-count"].map(
    (name): IgnoredField => ({
      kinds: ["VirtualMachine"],
      path: ["spec", "template", "metadata", "annotations", name],
      rule: "defaulted",
      writer: `${VIRT_API}, virt-handler`,
      reason: "the PCI topology the VM was created with",
      example: name.endsWith("version") ? "v3" : "11",
    }),
  ),
  { kinds: ["VirtualMachine"], path: ["spec", "template", "spec", "architecture"], rule: "defaulted", writer: VIRT_API, reason: "the cluster's default architecture", example: "amd64" },
  { kinds: ["VirtualMachine"], path: ["spec", "template", "spec", "domain", "machine", "type"], rule: "defaulted", writer: VIRT_API, reason: "the cluster's default machine type", example: "q35" },
  {
    kinds: ["VirtualMachine"],
    path: ["spec", "template", "spec", "domain", "firmware", "uuid"],
    rule: "defaulted",
    writer: `${VIRT_CONTROLLER} (≥ 1.6, kubevirt#14130)`,
    reason: "persists the SMBIOS UUID (random, or derived from the VM name for older VMs); the gitops profile renders one, which is then compared",
    example: "6a1a4fd5-0c3e-5d8e-8d2e-6b8f1f2b3c4d",
  },
  { kinds: ["VirtualMachine"], path: ["spec", "template", "spec", "domain", "firmware", "serial"], rule: "defaulted", writer: VIRT_API, reason: "a generated SMBIOS serial (some versions)", example: "e4b3c2a1" },
  {
    kinds: ["VirtualMachine"],
    path: ["spec", "template", "spec", "domain", "resources"],
    rule: "defaulted",
    writer: VIRT_API,
    reason: "Go marshals the empty resources struct as {}",
    applies: isEmptyObject,
    example: {},
  },
  {
    kinds: ["VirtualMachine"],
    path: ["spec", "template", "spec", "domain", "devices", "interfaces", EACH, "macAddress"],
    rule: "defaulted",
    writer: "kubemacpool (OpenShift Virtualization)",
    reason: "a MAC address from the pool, fixed for the VM's life",
    example: "02:5a:7b:00:00:01",
  },
  {
    kinds: ["VirtualMachine"],
    path: ["spec", "template", "spec", "domain", "memory", "guest"],
    rule: "equivalent-quantity",
    writer: VIRT_API,
    reason: "the webhook re-marshals quantities in canonical form (4096Mi → 4Gi)",
    example: "4096Mi",
  },
];

/** The entries that apply to one kind, in table order. */
export function ignoredFieldsFor(kind: string): readonly IgnoredField[] {
  return IGNORED_FIELDS.filter((entry) => entry.kinds === "any" || (entry.kinds as readonly string[]).includes(kind));
}
