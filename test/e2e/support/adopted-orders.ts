// Two adopted orders for the explain/diff e2e: `vm-ctl` (managed-by controller: the real
// controller applies its children) and `vm-git` (managed-by gitops: its children applied as Argo
// CD applies them, and a Committed condition written as the committer writes it). The test plays
// KubeVirt, CDI and the load balancer for both, then waits for the controller's status and rows.
import { randomUUID } from "node:crypto";
import { Annotations } from "../../../src/api/well-known.ts";
import { validateOrder } from "../../../src/domain/order.ts";
import { expectedChildren } from "../../../src/migration/diff/expected-children.ts";
import { openStatusStore } from "../../../src/platform/database/open-status-store.ts";
import { objectPath, type KubeRestClient } from "../../../src/platform/kube/rest-client.ts";
import { instanceFor, runningVmStatus, succeededDataVolumeStatus, withKubeVirtDefaults } from "../../support/live-children.ts";
import { orderDocument } from "../../support/orders.ts";

type Json = Record<string, any>;
const MERGE = "application/merge-patch+json";
const ORDERS = "/apis/cloudkit.openshift.io/v1alpha1/namespaces";
const ARGOCD_MANAGER = "argocd-controller";
const KUBEVIRT_MANAGER = "virt-controller";
const COMMITTER_MANAGER = "osac-vm-committer";

export interface AdoptedOrders {
  readonly namespace: string;
  readonly tenant: string;
  readonly sha: string;
  readonly cloudInit: string;
  readonly sshKey: string;
  readonly databaseUrl: string;
}

export async function createAdoptedOrders(rest: KubeRestClient, options: AdoptedOrders): Promise<void> {
  const { namespace, tenant } = options;
  const controllerOrder = orderDocument(
    { cpu_cores: "3", storage_class: "standard", ssh_public_key: options.sshKey, cloud_init_config: options.cloudInit },
    { name: "vm-ctl", namespace, tenant, managedBy: "controller", uuid: randomUUID() },
  );
  const gitopsOrder = orderDocument({ storage_class: "standard" }, { name: "vm-git", namespace, tenant, managedBy: "gitops", uuid: randomUUID() });
  for (const order of [controllerOrder, gitopsOrder]) await rest.request("POST", `${ORDERS}/${namespace}/virtualmachines`, { body: order, discardBody: true });

  const git = validateOrder(gitopsOrder).value!;
  for (const rendered of expectedChildren(git, "gitops") as Json[]) {
    let object: Json = { ...rendered, metadata: { ...rendered.metadata, annotations: { ...rendered.metadata.annotations, "argocd.argoproj.io/tracking-id": `osac:${rendered.apiVersion.split("/")[0]}/${rendered.kind}:${rendered.metadata.namespace}/${rendered.metadata.name}` } } };
    if (object.kind === "VirtualMachine") object = withKubeVirtDefaults(object);
    await rest.apply(objectPath(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name), object, ARGOCD_MANAGER);
  }

  const childNamespace = git.tenantNamespace;
  const vmPath = (name: string) => objectPath("kubevirt.io/v1", "VirtualMachine", childNamespace, name);
  await waitFor("the controller to create vm-ctl's VirtualMachine", async () => (await rest.request("GET", vmPath("vm-ctl"), { allow404: true })).status === 200);
  // What KubeVirt's webhook and controller add to the VM the controller created.
  const created = (await rest.request<Json>("GET", vmPath("vm-ctl"))).body;
  const defaults = withKubeVirtDefaults(created);
  await rest.request("PATCH", `${vmPath("vm-ctl")}?fieldManager=${KUBEVIRT_MANAGER}`, {
    body: { metadata: { annotations: defaults.metadata.annotations, finalizers: defaults.metadata.finalizers }, spec: { template: { metadata: { annotations: defaults.spec.template.metadata.annotations }, spec: { domain: { machine: defaults.spec.template.spec.domain.machine, firmware: defaults.spec.template.spec.domain.firmware } } } } },
    contentType: MERGE,
  });

  for (const name of ["vm-ctl", "vm-git"]) {
    await patchStatus(rest, objectPath("cdi.kubevirt.io/v1beta1", "DataVolume", childNamespace, `${name}-root-disk`), succeededDataVolumeStatus());
    await patchStatus(rest, objectPath("v1", "Service", childNamespace, `${name}-load-balancer`), { loadBalancer: { ingress: [{ ip: "192.0.2.20" }] } });
    const vm = (await rest.request<Json>("GET", vmPath(name))).body;
    const instance = { ...instanceFor(vm), status: { phase: "Running", interfaces: [{ name: "default", ipAddress: "10.128.0.7", ipAddresses: ["10.128.0.7"] }], conditions: [{ type: "Ready", status: "True" }] } };
    await rest.request("POST", `/apis/kubevirt.io/v1/namespaces/${childNamespace}/virtualmachineinstances?fieldManager=${KUBEVIRT_MANAGER}`, { body: instance, discardBody: true });
    await patchStatus(rest, vmPath(name), runningVmStatus());
  }

  await rest.apply(`${ORDERS}/${namespace}/virtualmachines/vm-git/status`, {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: { name: "vm-git", namespace },
    status: {
      conditions: [
        { type: "Committed", status: "True", reason: "Pushed", message: `Pushed commit ${options.sha} with config version ${git.desiredConfigVersion}`, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z") },
      ],
    },
  }, COMMITTER_MANAGER);

  const store = await openStatusStore({ databaseUrl: options.databaseUrl });
  try {
    for (const name of ["vm-ctl", "vm-git"]) {
      await waitFor(`order ${name} to be Ready with a READY row`, async () => {
        const order = (await rest.request<Json>("GET", `${ORDERS}/${namespace}/virtualmachines/${name}`)).body;
        if (order.status?.phase !== "Ready") return false;
        if (name === "vm-git" && !order.status.conditions?.some((condition: Json) => condition.type === "Committed")) return false;
        const row = await store.getVmState(order.metadata.uid).catch(() => undefined);
        return row?.state === "READY" && order.metadata.annotations?.[Annotations.managedBy] !== undefined;
      });
    }
  } finally {
    await store.close();
  }
}

async function patchStatus(rest: KubeRestClient, path: string, status: Json): Promise<void> {
  await rest.request("PATCH", `${path}/status?fieldManager=${KUBEVIRT_MANAGER}`, { body: { status }, contentType: MERGE, discardBody: true });
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
