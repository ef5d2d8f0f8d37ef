/**
 * Orders and children for the controller benchmark. Every order has an SSH key (so it has the
 * role's 5 children: 2 Secrets, DataVolume, KubeVirt VirtualMachine, Service) and `storage_class`
 * set (the controller does not look up the default StorageClass). Orders spread over 4 order
 * namespaces × 16 tenants → 16 tenant namespaces, like the render benchmark.
 */
import { Annotations, Labels } from "../../src/api/well-known.ts";
import { childNames } from "../../src/domain/naming.ts";
import { validateOrder } from "../../src/domain/order.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { renderOrder, renderTenantNamespace, type KubeObject } from "../../src/render/render-order.ts";

export const ORDER_API = "/apis/cloudkit.openshift.io/v1alpha1";
export const ORDER_NAMESPACES = 4;
export const TENANTS = 16;
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnV0rEmQyqZbnwtvYpVqN7eR8ts0x8vPa1bJmW7dXbM bench@example.com";
const MEMORY = ["2Gi", "4Gi", "8Gi", "16Gi"];
const DISK = ["10Gi", "20Gi", "40Gi"];

export type ManagedBy = "controller" | "gitops";

export interface BenchOrder {
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  readonly tenant: string;
  readonly tenantNamespace: string;
  /** `<tenant namespace>/<name>` of each of the 5 children. */
  readonly childKeys: readonly string[];
}

export function benchOrder(prefix: string, index: number): BenchOrder {
  const name = `vm-${String(index).padStart(5, "0")}`;
  const namespace = `${prefix}-${index % ORDER_NAMESPACES}`;
  const tenant = `tenant-${String(index % TENANTS).padStart(2, "0")}`;
  const childrenNamespace = tenantNamespace(namespace, tenant);
  const names = childNames(name);
  return {
    index,
    name,
    namespace,
    tenant,
    tenantNamespace: childrenNamespace,
    childKeys: [names.cloudInitSecret, names.sshKeySecret, names.rootDisk, names.virtualMachine, names.loadBalancer].map((child) => `${childrenNamespace}/${child}`),
  };
}

export function orderNamespaces(prefix: string): string[] {
  return Array.from({ length: ORDER_NAMESPACES }, (_, index) => `${prefix}-${index}`);
}

export function orderDocument(order: BenchOrder, managedBy: ManagedBy): KubeObject {
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      name: order.name,
      namespace: order.namespace,
      labels: { [Labels.orderUuid]: `00000000-0000-4000-8000-${String(order.index).padStart(12, "0")}` },
      annotations: { [Annotations.tenant]: order.tenant, [Annotations.managedBy]: managedBy },
    },
    spec: {
      templateID: "cloudkit.templates.ocp_virt_vm",
      templateParameters: JSON.stringify({
        cpu_cores: String(1 + (order.index % 8)),
        memory: MEMORY[order.index % MEMORY.length],
        disk_size: DISK[order.index % DISK.length],
        exposed_ports: "22/tcp,80/tcp",
        ssh_public_key: SSH_KEY,
        storage_class: "standard",
      }),
    },
  } as KubeObject;
}

/**
 * The children Argo CD would apply for a gitops order: exactly what the controller renders in
 * direct-apply mode (`renderOrder`, gitops profile, plain Secrets), with one change when
 * `headlessService`: the Service becomes a headless ClusterIP Service (no cluster IP, no node
 * ports), because the harness' service CIDR is a /24 (254 addresses) and the NodePort range has
 * 2,768 ports, far fewer than 5,000 LoadBalancer Services need. The controller only reads a
 * Service's existence, config-version annotation and `status.loadBalancer`, so this does not
 * change what it does.
 */
export function childrenOf(document: KubeObject, headlessService: boolean): KubeObject[] {
  const validation = validateOrder(document);
  if (!validation.value) throw new Error(`bench order ${document.metadata.name} is invalid: ${JSON.stringify(validation.errors)}`);
  const objects = renderOrder(validation.value, { profile: "gitops", allowPlainSecrets: true });
  if (!headlessService) return objects;
  return objects.map((object) =>
    object.kind === "Service" ? ({ ...object, spec: { ...(object.spec as object), type: "ClusterIP", clusterIP: "None" } } as KubeObject) : object,
  );
}

export function tenantNamespaceObject(order: BenchOrder): KubeObject {
  return renderTenantNamespace({ name: order.tenantNamespace, tenant: order.tenant, orderNamespace: order.namespace });
}

/** Collection path (POST target) of an object. */
export function collectionPath(object: KubeObject): string {
  const plural: Record<string, string> = {
    Namespace: "namespaces",
    Secret: "secrets",
    Service: "services",
    DataVolume: "datavolumes",
    VirtualMachine: "virtualmachines",
  };
  const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const namespace = object.metadata.namespace && object.kind !== "Namespace" ? `/namespaces/${object.metadata.namespace}` : "";
  return `${base}${namespace}/${plural[object.kind]}`;
}

/** Runs `work` over `items` with at most `limit` at once; rejects on the first failure (after the running ones settle). */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failure ??= error;
      }
    }
  });
  await Promise.all(runners);
  if (failure !== undefined) throw failure;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
