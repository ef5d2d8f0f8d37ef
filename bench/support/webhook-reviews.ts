/**
 * Realistic AdmissionReview and ConversionReview bodies for the webhook benchmark, shaped the way
 * kube-apiserver POSTs them (admission.k8s.io/v1, apiextensions.k8s.io/v1): an order with a few KB
 * of cloud-init in `spec.templateParameters`, labels, annotations and managedFields; UPDATE carries
 * oldObject (with status, finalizers and the controller's managedFields).
 *
 * Every body holds UID_PLACEHOLDER exactly once (as `request.uid`); the load generator writes a
 * fresh uid of the same length over it for each request, so each answer can be matched to its
 * request.
 */
import { reviewConversion } from "../../src/webhook/conversion/review.ts";

/** 36 characters, like a Kubernetes uid; appears once per body. */
export const UID_PLACEHOLDER = "ffffffff-ffff-4fff-bfff-ffffffffffff";

export const V1ALPHA1 = "cloudkit.openshift.io/v1alpha1";
export const V1BETA1 = "cloudkit.openshift.io/v1beta1";
const NAMESPACE = "cloudkit-vm-orders";
const TENANT = "cloudkit.openshift.io/tenant";
const MANAGED_BY = "cloudkit.openshift.io/managed-by";
const UUID_LABEL = "cloudkit.openshift.io/virtualmachine-uuid";
const ORDER_GVK = { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" };
const ORDER_GVR = { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" };
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnV0rEmQyqZbnwtvYpVqN7eR8ts0x8vPa1bJmW7dXbM ops@example.com";

type Json = Record<string, unknown>;

/** A #cloud-config of about `bytes` bytes: users, packages, write_files, runcmd, as tenants write them. */
export function cloudConfig(bytes: number, seed = 0): string {
  const lines = [
    "#cloud-config",
    "hostname: app-server",
    "users:",
    "  - name: ops",
    "    groups: [wheel]",
    "    sudo: ALL=(ALL) NOPASSWD:ALL",
    `    ssh_authorized_keys: ["${SSH_KEY}"]`,
    "package_update: true",
    "packages: [podman, jq, nginx, chrony, firewalld]",
    "write_files:",
    "  - path: /etc/app/config.yaml",
    "    permissions: '0640'",
    "    content: |",
  ];
  let index = 0;
  while (lines.join("\n").length < bytes - 200) {
    lines.push(`      setting_${seed}_${index}: value-${(index * 7919 + seed).toString(36)}-${"x".repeat(index % 23)}`);
    index += 1;
  }
  lines.push("runcmd:", "  - [systemctl, enable, --now, nginx]", "  - [systemctl, enable, --now, chronyd]", "  - echo done > /var/tmp/cloud-init.done");
  return `${lines.join("\n")}\n`;
}

export interface OrderOptions {
  readonly index?: number;
  /** Bytes of cloud-config before base64; 0 for none. */
  readonly cloudInitBytes?: number;
  readonly diskSize?: string;
  readonly storageClass?: string;
  readonly managedBy?: string;
  readonly named?: boolean;
  /** Stored (resourceVersion, generation, status, finalizers, controller managedFields). */
  readonly stored?: boolean;
}

/** `spec.templateParameters` as fulfillment-service writes it (Go json.Marshal of a map[string]string). */
export function templateParameters(options: OrderOptions): string {
  const parameters: Record<string, string> = {
    cpu_cores: "4",
    memory: "8Gi",
    disk_size: options.diskSize ?? "40Gi",
    image_source: "quay.io/containerdisks/fedora:41",
    exposed_ports: "22/tcp,80/tcp,443/tcp",
    ssh_public_key: SSH_KEY,
  };
  if (options.cloudInitBytes) parameters.cloud_init_config = Buffer.from(cloudConfig(options.cloudInitBytes, options.index ?? 0)).toString("base64");
  if (options.storageClass) parameters.storage_class = options.storageClass;
  // fulfillment-service writes Go's json.Marshal of a map: compact, keys sorted.
  return JSON.stringify(Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function managedFields(stored: boolean): Json[] {
  const fields: Json[] = [
    {
      manager: "fulfillment-controller",
      operation: "Update",
      apiVersion: V1ALPHA1,
      time: "2026-11-20T09:14:02Z",
      fieldsType: "FieldsV1",
      fieldsV1: {
        "f:metadata": {
          "f:annotations": { ".": {}, [`f:${TENANT}`]: {} },
          "f:generateName": {},
          "f:labels": { ".": {}, "f:app.kubernetes.io/part-of": {}, [`f:${UUID_LABEL}`]: {} },
        },
        "f:spec": { ".": {}, "f:templateID": {}, "f:templateParameters": {} },
      },
    },
  ];
  if (stored) {
    fields.push(
      {
        manager: "osac-vm-controller",
        operation: "Update",
        apiVersion: V1ALPHA1,
        time: "2026-11-20T09:14:05Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:finalizers": { ".": {}, 'v:"cloudkit.openshift.io/virtualmachine"': {} } } },
      },
      {
        manager: "osac-vm-controller",
        operation: "Update",
        apiVersion: V1ALPHA1,
        time: "2026-11-20T09:16:41Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:status": { ".": {}, "f:conditions": {}, "f:desiredConfigVersion": {}, "f:ipAddresses": {}, "f:phase": {} } },
        subresource: "status",
      },
    );
  }
  return fields;
}

/** A v1alpha1 order as the API server holds it at admission time. */
export function order(options: OrderOptions = {}): Json {
  const index = options.index ?? 0;
  const suffix = index.toString(36).padStart(5, "0");
  const annotations: Record<string, string> = { [TENANT]: `tenant-${index % 16}`, "fulfillment.osac.io/order-id": `ord-${suffix}-20261120` };
  if (options.managedBy) annotations[MANAGED_BY] = options.managedBy;
  const metadata: Json = {
    generateName: "vm-",
    ...(options.named || options.stored ? { name: `vm-${suffix}` } : {}),
    namespace: NAMESPACE,
    ...(options.named || options.stored ? { uid: `6c1f2a3b-0000-4000-8000-${String(index).padStart(12, "0")}` } : {}),
    ...(options.stored ? { resourceVersion: String(480_000 + index), generation: 2 } : {}),
    creationTimestamp: options.named || options.stored ? "2026-11-20T09:14:02Z" : null,
    labels: { [UUID_LABEL]: `5f0c6f7e-9a51-4a55-9d1e-${String(index).padStart(12, "0")}`, "app.kubernetes.io/part-of": "osac" },
    annotations,
    ...(options.stored ? { finalizers: ["cloudkit.openshift.io/virtualmachine"] } : {}),
    managedFields: managedFields(options.stored === true),
  };
  return {
    apiVersion: V1ALPHA1,
    kind: "VirtualMachine",
    metadata,
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: templateParameters(options) },
    ...(options.stored
      ? {
          status: {
            phase: "Ready",
            desiredConfigVersion: "9d3b1c0f5e2a7b44",
            ipAddresses: ["10.128.4.17"],
            conditions: [
              { type: "Accepted", status: "True", reason: "Rendered", message: "", lastTransitionTime: "2026-11-20T09:14:05Z" },
              { type: "Available", status: "True", reason: "VirtualMachineRunning", message: "", lastTransitionTime: "2026-11-20T09:16:41Z" },
            ],
          },
        }
      : {}),
  };
}

function admissionReview(operation: "CREATE" | "UPDATE", object: Json, oldObject: Json | null): Json {
  const name = (object.metadata as Json).name;
  return {
    kind: "AdmissionReview",
    apiVersion: "admission.k8s.io/v1",
    request: {
      uid: UID_PLACEHOLDER,
      kind: ORDER_GVK,
      resource: ORDER_GVR,
      requestKind: ORDER_GVK,
      requestResource: ORDER_GVR,
      name: typeof name === "string" ? name : "",
      namespace: NAMESPACE,
      operation,
      userInfo: {
        username: "system:serviceaccount:osac:fulfillment-controller",
        uid: "0b9f3a55-2c1e-4d7a-8d4e-7f0c1a2b3c4d",
        groups: ["system:serviceaccounts", "system:serviceaccounts:osac", "system:authenticated"],
        extra: {
          "authentication.kubernetes.io/credential-id": ["JTI=2f6c9f0e-8a1b-4c3d-9e5f-0a1b2c3d4e5f"],
          "authentication.kubernetes.io/node-name": ["worker-0"],
          "authentication.kubernetes.io/pod-name": ["fulfillment-controller-7d9f8b6c5-x2k4q"],
          "authentication.kubernetes.io/pod-uid": ["a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"],
        },
      },
      object,
      oldObject,
      dryRun: false,
      options: { kind: operation === "CREATE" ? "CreateOptions" : "UpdateOptions", apiVersion: "meta.k8s.io/v1", fieldManager: "fulfillment-controller" },
    },
  };
}

/** Cloud-config bytes before base64 in the admission bodies: makes a CREATE review about 8 KB. */
export const ADMISSION_CLOUD_INIT_BYTES = 4_200;

/** Mutating CREATE: generateName only, no managed-by, no storage_class (the webhook adds both). */
export function mutateCreateReview(): string {
  return JSON.stringify(admissionReview("CREATE", order({ cloudInitBytes: ADMISSION_CLOUD_INIT_BYTES }), null));
}

/** Validating CREATE: the mutated order (named, managed-by and storage_class set). */
export function validateCreateReview(): string {
  const object = order({ cloudInitBytes: ADMISSION_CLOUD_INIT_BYTES, named: true, managedBy: "controller", storageClass: "standard" });
  return JSON.stringify(admissionReview("CREATE", object, null));
}

/** UPDATE that grows disk_size 40Gi → 80Gi: a spec change, so every update rule runs. */
export function updateReview(): string {
  const options = { cloudInitBytes: ADMISSION_CLOUD_INIT_BYTES, stored: true, managedBy: "controller", storageClass: "standard" } as const;
  const oldObject = order(options);
  const object = order({ ...options, diskSize: "80Gi" });
  return JSON.stringify(admissionReview("UPDATE", object, oldObject));
}

/** A ConversionReview of `count` stored orders from `from` to `to` (v1beta1 objects made by our own conversion). */
export function conversionReview(count: number, cloudInitBytes: number, from: string, to: string): string {
  let objects: unknown[] = [];
  for (let index = 0; index < count; index++) objects.push(order({ index, stored: true, managedBy: "controller", storageClass: "standard", cloudInitBytes: cloudInitBytes > 0 ? cloudInitBytes : 0 }));
  if (from === V1BETA1) {
    const answer = reviewConversion({ apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", request: { uid: "x", desiredAPIVersion: V1BETA1, objects } });
    objects = (answer.body as { response: { convertedObjects: unknown[] } }).response.convertedObjects;
  }
  return JSON.stringify({ kind: "ConversionReview", apiVersion: "apiextensions.k8s.io/v1", request: { uid: UID_PLACEHOLDER, desiredAPIVersion: to, objects } });
}
