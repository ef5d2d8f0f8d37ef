// Proof 3 of issue 13, and the order's health check on a real Argo CD: orders and their rendered
// children in one repository, synced by two Applications (the orders, and the example Application
// for the rendered tree), the project's controller reporting status. One order's disk grows and
// its CPU count changes: after re-rendering and committing, only that order's children are applied
// (ApplyOutOfSyncOnly), they carry the new config version, and the controller then reports it as
// reconciledConfigVersion. The Application of orders names the order that fails, and why.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { startControllerProcess, type ControllerProcess } from "../e2e/support/controller-process.ts";
import { adminKubeConfig, createNamespace, uniqueName } from "../e2e/support/kube.ts";
import { ArgoApplications, describeApplication, exampleApplication, ordersApplication, resourceOf, type Application } from "./support/argocd-app.ts";
import { gitopsOrder, type OrderDocument } from "./support/fixture.ts";
import { getObject, playOrderReady, vmPath, writeVmRunning, writeVmStatus } from "./support/play-kubevirt.ts";
import { RenderedRepo } from "./support/rendered-repo.ts";
import { objectKey } from "./support/first-seen.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const ordersNamespace = uniqueName("orders");
const ns = tenantNamespace(ordersNamespace, "change");
const ORDER_PATH = (name: string) => `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNamespace}/virtualmachines/${name}`;
let controller: ControllerProcess;
let repo: RenderedRepo;
let rendered: string;
let ordersApp: string;
// The orders name their storage class, so the admission webhook leaves them as they are in Git.
const orders: OrderDocument[] = [
  gitopsOrder("c1", ordersNamespace, "change", { storage_class: "standard" }),
  gitopsOrder("c2", ordersNamespace, "change", { storage_class: "standard" }),
];

interface OrderStatus {
  phase?: string;
  desiredConfigVersion?: string;
  reconciledConfigVersion?: string;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}
const orderStatus = async (name: string) => ((await getObject(admin, ORDER_PATH(name))) as { status?: OrderStatus } | undefined)?.status;

async function waitOrder(name: string, what: string, done: (status: OrderStatus) => boolean, timeoutMs = 60_000): Promise<OrderStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await orderStatus(name);
    if (status && done(status)) return status;
    if (Date.now() > deadline) throw new Error(`order ${ordersNamespace}/${name}: timed out waiting for ${what}; status: ${JSON.stringify(status, null, 1)}\ncontroller log tail:\n${controller.log().split("\n").slice(-20).join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const leaseNamespace = uniqueName("lease");
  await createNamespace(admin, leaseNamespace);
  await createNamespace(admin, ordersNamespace);
  controller = await startControllerProcess({ kubeconfigPath: ctx.cluster.kubeconfigPath, leaseNamespace, identity: "gitops-change", logLevel: "info" });
  repo = await RenderedRepo.create(ctx.git, "change");
  repo.writeOrders(orders);
  await repo.render();
  const commit = await repo.commitAndPush("Two orders");
  ordersApp = uniqueName("change-orders");
  rendered = uniqueName("change-rendered");
  await apps.apply(ordersApplication(ordersApp, repo.url, ordersNamespace));
  await apps.apply(exampleApplication(rendered, repo.url));
  await apps.waitSynced(ordersApp, { revision: commit });
  await apps.waitSynced(rendered, { revision: commit });
  await playOrderReady(admin, ns, "c1", "192.0.2.51");
  await playOrderReady(admin, ns, "c2", "192.0.2.52");
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => void process.stderr.write(`\n----- controller log tail -----\n${controller?.log().split("\n").slice(-40).join("\n")}\n`));
});

afterAll(async () => {
  await controller?.stop();
  repo?.dispose();
});

describe("GIVEN two gitops orders and their rendered children, synced by Argo CD, and the controller", () => {
  it("THEN the controller reports each order Ready at its desired config version, and the Application of orders is Healthy", async () => {
    for (const name of ["c1", "c2"]) {
      const status = await waitOrder(name, "phase Ready", (s) => s.phase === "Ready");
      expect(status.reconciledConfigVersion).toBe(status.desiredConfigVersion);
    }
    const app = await apps.waitSynced(ordersApp, { health: "Healthy" });
    expect(resourceOf(app, "VirtualMachine", ordersNamespace, "c1")?.health?.status).toBe("Healthy");
    await apps.waitSynced(rendered, { health: "Healthy" });
  });

  it("WHEN one order's disk grows and CPU count changes THEN only its children are applied, with the new config version, and the controller reports it reconciled", async () => {
    const before = await orderStatus("c1");
    // Every child of both orders, by resourceVersion: an apply that changes an object bumps it, a
    // no-op apply does not, and nothing else writes these objects until the VM is played Running.
    const childPaths = (order: string) => ({
      [objectKey("DataVolume", ns, `${order}-root-disk`)]: `/apis/cdi.kubevirt.io/v1beta1/namespaces/${ns}/datavolumes/${order}-root-disk`,
      [objectKey("Secret", ns, `${order}-cloud-init`)]: `/api/v1/namespaces/${ns}/secrets/${order}-cloud-init`,
      [objectKey("Service", ns, `${order}-load-balancer`)]: `/api/v1/namespaces/${ns}/services/${order}-load-balancer`,
      [objectKey("VirtualMachine", ns, order)]: vmPath(ns, order),
    });
    const versions = async () => {
      const entries = await Promise.all(Object.entries({ ...childPaths("c1"), ...childPaths("c2") }).map(async ([key, path]) => [key, (await getObject(admin, path))?.metadata.resourceVersion] as const));
      return new Map(entries);
    };
    const versionsBefore = await versions();
    const changed = structuredClone(orders);
    changed[0]!.spec.templateParameters = JSON.stringify({ ...JSON.parse(changed[0]!.spec.templateParameters), disk_size: "20Gi", cpu_cores: "4" });
    repo.writeOrders(changed);
    await repo.render();
    const commit = await repo.commitAndPush("c1: 20Gi disk, 4 cores");
    await apps.refresh(ordersApp);
    await apps.refresh(rendered);
    await apps.waitSynced(ordersApp, { revision: commit });
    // Synced at the commit once the sync that applied it has finished. Which objects it applied is
    // read from the objects themselves: operationState is replaced by the next self-heal
    // operation with nothing to do ("no more tasks"), sometimes within milliseconds.
    const app = await apps.waitSynced(rendered, { revision: commit });
    const versionsAfter = await versions();
    const applied = [...versionsBefore.keys()].filter((key) => versionsAfter.get(key) !== versionsBefore.get(key)).sort();
    expect(applied, describeApplication(app)).toEqual(
      [objectKey("DataVolume", ns, "c1-root-disk"), objectKey("Secret", ns, "c1-cloud-init"), objectKey("Service", ns, "c1-load-balancer"), objectKey("VirtualMachine", ns, "c1")].sort(),
    );

    const status = await waitOrder("c1", "a new desired config version", (s) => s.desiredConfigVersion !== before?.desiredConfigVersion);
    const vm = (await getObject(admin, vmPath(ns, "c1"))) as any;
    expect(vm.metadata.annotations["cloudkit.openshift.io/config-version"]).toBe(status.desiredConfigVersion);
    expect(vm.spec.template.spec.domain.cpu.cores).toBe(4);
    const reconciled = await waitOrder("c1", "reconciledConfigVersion = desiredConfigVersion", (s) => s.reconciledConfigVersion === s.desiredConfigVersion);
    expect(reconciled.reconciledConfigVersion).not.toBe(before?.reconciledConfigVersion);

    // KubeVirt has not seen the new VM spec yet: Argo CD shows the VM Progressing until it has.
    const waiting = await apps.waitFor(rendered, "the changed VM Progressing", (a) => resourceOf(a, "VirtualMachine", ns, "c1")?.health?.status === "Progressing");
    expect(resourceOf(waiting, "VirtualMachine", ns, "c1")?.health?.message).toBe(`Waiting for KubeVirt to observe generation ${vm.metadata.generation} (observed ${vm.metadata.generation - 1})`);
    await writeVmRunning(admin, ns, "c1");
    await apps.waitSynced(rendered, { health: "Healthy" });
  });

  it("WHEN one VM cannot be scheduled THEN the Application of orders is Degraded and names that order and why", async () => {
    await writeVmStatus(admin, ns, "c2", {
      printableStatus: "ErrorUnschedulable",
      ready: false,
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available: 3 Insufficient cpu." }],
    });
    const app: Application = await apps.waitFor(ordersApp, "health Degraded", (a) => a.status?.health?.status === "Degraded");
    expect(app.status?.health?.message, describeApplication(app)).toContain(`cloudkit.openshift.io/VirtualMachine:${ordersNamespace}/c2`);
    const degraded = (app.status?.resources ?? []).filter((r) => r.health?.status === "Degraded");
    expect(degraded.map((r) => `${r.kind} ${r.namespace}/${r.name}`), describeApplication(app)).toEqual([`VirtualMachine ${ordersNamespace}/c2`]);
    expect(degraded[0]!.health?.message).toMatch(/^ErrorUnschedulable: KubeVirt reports the VirtualMachine as ErrorUnschedulable/);
    expect(degraded[0]!.health?.message).toContain("Insufficient cpu");
    await writeVmRunning(admin, ns, "c2");
    await apps.waitSynced(ordersApp, { health: "Healthy" });
  });
});
