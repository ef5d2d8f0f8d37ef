// Builds an AAP-era fleet on a real API server the way the Ansible role and the hub leave it:
// the order, its children exactly as `aap-parity` renders them, server-side applied under the
// field manager the role's Python client gets, with the fields KubeVirt's webhook adds on create;
// then the status KubeVirt and CDI write and a VMI per running VM. Shared by the e2e test and the
// diff benchmark.
import { Annotations, Labels } from "../../src/api/well-known.ts";
import { validateOrder, type Order } from "../../src/domain/order.ts";
import { expectedChildren } from "../../src/migration/diff/expected-children.ts";
import type { LiveObject } from "../../src/migration/live-object.ts";
import { objectPath, type KubeRestClient } from "../../src/platform/kube/rest-client.ts";
import { instanceFor, runningInstanceStatus, runningVmStatus, succeededDataVolumeStatus, withKubeVirtDefaults } from "./live-children.ts";
import { orderDocument } from "./orders.ts";

/**
 * The Ansible role talks to the API server through kubernetes.core's Python client; the API
 * server names the field manager of such requests after their User-Agent, "OpenAPI-Generator".
 */
export const ROLE_FIELD_MANAGER = "OpenAPI-Generator";
export const KUBEVIRT_FIELD_MANAGER = "virt-controller";
const MERGE = "application/merge-patch+json";

type Json = Record<string, any>;

export interface RoleOrder {
  readonly name: string;
  /** The order's parameters now. */
  readonly parameters: Record<string, string>;
  /** The parameters the role last applied (default: the same); `reconciled-config-version` is theirs. */
  readonly madeFrom?: Record<string, string>;
  readonly running: boolean;
  readonly labels?: Record<string, string>;
  readonly uuid?: string;
  /** Write statuses for the DataVolume, Service and VM (default true). */
  readonly statuses?: boolean;
  /** Overrides applied to the Service as rendered (the bench turns off node ports). */
  readonly serviceSpec?: Json;
}

/** The validated order as the role saw it (for config versions and rendering). */
export function roleOrder(namespace: string, tenant: string, order: RoleOrder, parameters = order.madeFrom ?? order.parameters): Order {
  const result = validateOrder(orderDocument(parameters, { name: order.name, namespace, tenant, ...(order.uuid ? { uuid: order.uuid } : {}) }));
  if (!result.value) throw new Error(`fleet order ${order.name} is invalid: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** Creates one AAP-era order and its children; returns the KubeVirt VirtualMachine as created. */
export async function createRoleOrder(rest: KubeRestClient, namespace: string, tenant: string, order: RoleOrder): Promise<Json> {
  const made = roleOrder(namespace, tenant, order);
  const document = orderDocument(order.parameters, {
    name: order.name,
    namespace,
    tenant,
    ...(order.uuid ? { uuid: order.uuid } : {}),
    annotations: { [Annotations.reconciledConfigVersion]: made.desiredConfigVersion },
  }) as Json;
  document.metadata.labels = { ...document.metadata.labels, ...order.labels };
  await rest.request("POST", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${namespace}/virtualmachines?fieldManager=${ROLE_FIELD_MANAGER}`, { body: document, discardBody: true });

  let vm: Json | undefined;
  for (const rendered of expectedChildren(made, "aap-parity") as Json[]) {
    let object = rendered;
    if (object.kind === "VirtualMachine") object = withKubeVirtDefaults(object);
    if (object.kind === "Service" && order.serviceSpec) object = { ...object, spec: { ...object.spec, ...order.serviceSpec } };
    const path = objectPath(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
    const answer = await rest.apply<Json>(path, object, ROLE_FIELD_MANAGER);
    if (object.kind === "VirtualMachine") vm = answer.body;
  }
  if (!vm) throw new Error(`no VirtualMachine rendered for ${order.name}`);
  const childNamespace = made.tenantNamespace;
  if (order.statuses ?? true) {
    await patchStatus(rest, objectPath("cdi.kubevirt.io/v1beta1", "DataVolume", childNamespace, `${order.name}-root-disk`), succeededDataVolumeStatus());
    await patchStatus(rest, objectPath("v1", "Service", childNamespace, `${order.name}-load-balancer`), { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } });
    await patchStatus(rest, objectPath("kubevirt.io/v1", "VirtualMachine", childNamespace, order.name), order.running ? runningVmStatus() : { printableStatus: "Stopped", ready: false, created: false });
  }
  if (order.running) {
    // VMIs have no status subresource in the stand-in CRD: the status is part of the object.
    const instance = { ...instanceFor(vm), status: runningInstanceStatus() };
    await rest.request("POST", `/apis/kubevirt.io/v1/namespaces/${childNamespace}/virtualmachineinstances?fieldManager=${KUBEVIRT_FIELD_MANAGER}`, { body: instance, discardBody: true });
  }
  return vm;
}

async function patchStatus(rest: KubeRestClient, path: string, status: Json): Promise<void> {
  await rest.request("PATCH", `${path}/status?fieldManager=${KUBEVIRT_FIELD_MANAGER}`, { body: { status }, contentType: MERGE, discardBody: true });
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  });
  await Promise.all(workers);
}

/** The kinds the role creates for an order. */
const CHILD_KINDS = [
  { apiVersion: "v1", kind: "Secret", path: "/api/v1", plural: "secrets" },
  { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume", path: "/apis/cdi.kubevirt.io/v1beta1", plural: "datavolumes" },
  { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", path: "/apis/kubevirt.io/v1", plural: "virtualmachines" },
  { apiVersion: "v1", kind: "Service", path: "/api/v1", plural: "services" },
] as const;

/** Every live child labelled with an order in the tenant namespace, one LIST per kind (apiVersion and kind filled in). */
export async function listOrderChildren(rest: KubeRestClient, tenantNs: string): Promise<LiveObject[]> {
  const lists = await Promise.all(
    CHILD_KINDS.map(async (kind) => {
      const answer = await rest.request<{ items: LiveObject[] }>("GET", `${kind.path}/namespaces/${tenantNs}/${kind.plural}?labelSelector=${encodeURIComponent(Labels.order)}`);
      return answer.body.items.map((item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }));
    }),
  );
  return lists.flat();
}
