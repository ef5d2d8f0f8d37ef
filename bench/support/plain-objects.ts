/**
 * The render floor's object builder: the same objects `osac-vm render` produces for one order
 * (gitops profile), built with plain object literals: no cdk8s, no constructs, no validation
 * beyond JSON.parse of templateParameters. The three derived values the output needs (tenant
 * namespace, config version, firmware UUID) are re-implemented here in a few lines so the floor
 * imports nothing from src/.
 */
import { createHash } from "node:crypto";

export type PlainObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } & Record<string, unknown> } & Record<string, unknown>;

interface OrderDoc {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { templateID: string; templateParameters?: string };
}

const ORDER_LABEL = "cloudkit.openshift.io/virtualmachine";
const MANAGED_BY = "app.kubernetes.io/managed-by";
const PART_OF = "app.kubernetes.io/part-of";
const CONFIG_VERSION = "cloudkit.openshift.io/config-version";
const SYNC_WAVE = "argocd.argoproj.io/sync-wave";
const FIRMWARE_NAMESPACE = "6f1b8a3e-52c4-4d0e-9a57-3c2f0b9e7d41";

/** The order's tenant namespace and its objects: Secrets, DataVolume, VirtualMachine, Service. */
export function plainOrderObjects(document: unknown): { tenantNamespace: string; tenant: string; objects: PlainObject[] } {
  const order = document as OrderDoc;
  const { name, namespace } = order.metadata;
  const tenant = order.metadata.annotations?.["cloudkit.openshift.io/tenant"] ?? "";
  const orderUuid = order.metadata.labels?.["cloudkit.openshift.io/virtualmachine-uuid"];
  const raw = order.spec.templateParameters;
  const p = (raw ? JSON.parse(raw) : {}) as Record<string, string | undefined>;
  const ns = `${namespace}-${base32(fnv1a64(Buffer.from(tenant, "utf8")))}`;
  const configVersion = Buffer.from(fnv1a64(Buffer.from(goSpec(order.spec.templateID, raw), "utf8"))).toString("hex");
  const labels = { [ORDER_LABEL]: name, [MANAGED_BY]: "osac-vm-gitops", [PART_OF]: "osac" };
  const meta = (objectName: string, wave: string, extra: Record<string, string> = {}) => ({
    name: objectName,
    namespace: ns,
    labels: { ...labels },
    annotations: { [CONFIG_VERSION]: configVersion, [SYNC_WAVE]: wave, ...extra },
  });
  const sshKey = p.ssh_public_key?.trim() ? p.ssh_public_key : undefined;
  const image = (p.image_source?.trim() || "quay.io/containerdisks/fedora:latest").replace(/^docker:\/\//, "");
  const ports = (p.exposed_ports ?? "22/tcp").split(",").map((entry) => {
    const [port, protocol] = entry.trim().split("/");
    return { port: Number(port), protocol: protocol! };
  });
  const objects: PlainObject[] = [
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(`${name}-cloud-init`, "0"),
      data: { userData: p.cloud_init_config ?? "I2Nsb3VkLWNvbmZpZw==" },
      type: "Opaque",
    },
  ];
  if (sshKey) {
    objects.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(`${name}-ssh-public-key`, "0"),
      data: { "ssh-public-key": Buffer.from(sshKey, "utf8").toString("base64") },
      type: "Opaque",
    });
  }
  objects.push({
    apiVersion: "cdi.kubevirt.io/v1beta1",
    kind: "DataVolume",
    metadata: meta(`${name}-root-disk`, "1", {
      "cdi.kubevirt.io/storage.deleteAfterCompletion": "false",
      "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
      "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
    }),
    spec: {
      source: { registry: { url: `docker://${image}` } },
      pvc: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: (p.disk_size ?? "10Gi").trim() } },
        ...(p.storage_class ? { storageClassName: p.storage_class } : {}),
      },
    },
  });
  objects.push({
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: meta(name, "1"),
    spec: {
      runStrategy: "Always",
      template: {
        metadata: { labels: { [ORDER_LABEL]: name } },
        spec: {
          domain: {
            cpu: { cores: Number(p.cpu_cores ?? 2) },
            memory: { guest: (p.memory ?? "2Gi").trim() },
            firmware: { uuid: uuidV5(orderUuid ? `order-uuid:${orderUuid}` : `order:${namespace}/${name}`) },
            devices: {
              disks: [
                { name: "root-disk", disk: { bus: "virtio" } },
                { name: "cloud-init-disk", serial: "cloud-init", disk: { bus: "virtio" } },
              ],
              interfaces: [{ name: "default", masquerade: {} }],
              rng: {},
            },
            features: {
              acpi: {},
              apic: {},
              smm: { enabled: true },
              hyperv: { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } },
            },
          },
          networks: [{ name: "default", pod: {} }],
          volumes: [
            { name: "root-disk", dataVolume: { name: `${name}-root-disk` } },
            { name: "cloud-init-disk", cloudInitNoCloud: { secretRef: { name: `${name}-cloud-init` } } },
          ],
          ...(sshKey
            ? {
                accessCredentials: [
                  {
                    sshPublicKey: {
                      source: { secret: { secretName: `${name}-ssh-public-key` } },
                      propagationMethod: { noCloud: {} },
                    },
                  },
                ],
              }
            : {}),
        },
      },
    },
  });
  objects.push({
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(`${name}-load-balancer`, "1"),
    spec: {
      ports: ports.map(({ port, protocol }) => ({ name: `${protocol}-${port}`, port, protocol: protocol.toUpperCase(), targetPort: port })),
      selector: { [ORDER_LABEL]: name },
      type: "LoadBalancer",
    },
  });
  return { tenantNamespace: ns, tenant, objects };
}

/** The tenant Namespace object (gitops profile). */
export function plainNamespace(name: string, tenant: string, orderNamespace: string): PlainObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: { "cloudkit.openshift.io/tenant-namespace": "true", [MANAGED_BY]: "osac-vm-gitops", [PART_OF]: "osac" },
      annotations: {
        "cloudkit.openshift.io/tenant": tenant,
        "cloudkit.openshift.io/order-namespace": orderNamespace,
        [SYNC_WAVE]: "-1",
        "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
        "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
      },
    },
  };
}

/** Go's json.Marshal of the order spec; the bench's inputs need no escaping beyond `"`. */
function goSpec(templateID: string, templateParameters: string | undefined): string {
  const fields = [`"templateID":${JSON.stringify(templateID)}`];
  if (templateParameters) fields.push(`"templateParameters":${JSON.stringify(templateParameters)}`);
  return `{${fields.join(",")}}`;
}

function fnv1a64(bytes: Uint8Array): Uint8Array {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, hash);
  return out;
}

function base32(bytes: Uint8Array): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

function uuidV5(name: string): string {
  const hash = createHash("sha1").update(Buffer.from(FIRMWARE_NAMESPACE.replaceAll("-", ""), "hex")).update(name, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
