// Proof 5 of issue 13: the project's health checks (examples/argocd/argocd-cm-health.yaml, installed
// in the harness's argocd-cm as they are) on a real Argo CD. A VM stuck in ErrorUnschedulable makes
// the Application Degraded and is named with KubeVirt's message; a VM stopped on purpose
// (runStrategy Halted) is Healthy; a DataVolume waiting for its first consumer does not hold the
// Application back.
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { adminKubeConfig, uniqueName } from "../e2e/support/kube.ts";
import { ArgoApplications, describeApplication, resourceOf } from "./support/argocd-app.ts";
import { gitopsOrder, syncOrders, type SyncedOrders } from "./support/fixture.ts";
import { playOrderReady, writeDataVolumePhase, writeVmRunning, writeVmStatus } from "./support/play-kubevirt.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const ordersNamespace = uniqueName("orders");
const ns = tenantNamespace(ordersNamespace, "health");
const UNSCHEDULABLE = "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
let synced: SyncedOrders;

/** A VM written by hand next to the rendered tree (the renderer never touches other files), stopped on purpose. */
const haltedVm = {
  apiVersion: "kubevirt.io/v1",
  kind: "VirtualMachine",
  metadata: { name: "maintenance-halted", namespace: ns },
  spec: {
    runStrategy: "Halted",
    template: { spec: { domain: { devices: { disks: [{ name: "root", disk: { bus: "virtio" } }] }, memory: { guest: "1Gi" } }, volumes: [{ name: "root", dataVolume: { name: "maintenance-halted-root-disk" } }] } },
  },
};

beforeAll(async () => {
  synced = await syncOrders(ctx, apps, "health", [gitopsOrder("h1", ordersNamespace, "health"), gitopsOrder("h2", ordersNamespace, "health")]);
  synced.repo.writeFile(`rendered/${ns}/maintenance-halted.yaml`, yaml.dump(haltedVm));
  const commit = await synced.repo.commitAndPush("A VM kept stopped, written by hand");
  await apps.refresh(synced.name);
  synced.app = await apps.waitSynced(synced.name, { revision: commit });
});

afterAll(() => synced?.repo.dispose());

describe("GIVEN two rendered orders and a hand-written VM with runStrategy Halted", () => {
  it("WHEN KubeVirt reports both orders' VMs running and the other one stopped THEN the Application is Healthy and the stopped VM counts as Healthy", async () => {
    await playOrderReady(admin, ns, "h1", "192.0.2.41");
    await playOrderReady(admin, ns, "h2", "192.0.2.42");
    await writeVmStatus(admin, ns, "maintenance-halted", { printableStatus: "Stopped", created: false, ready: false, conditions: [{ type: "Ready", status: "False", reason: "VMINotExists", message: "VMI does not exist" }] });
    const app = await apps.waitSynced(synced.name, { health: "Healthy" });
    expect(resourceOf(app, "VirtualMachine", ns, "maintenance-halted")?.health).toMatchObject({ status: "Healthy", message: "Stopped as declared (runStrategy Halted)" });
    expect(resourceOf(app, "VirtualMachine", ns, "h1")?.health?.status).toBe("Healthy");
  });

  it("WHEN one VM is stuck in ErrorUnschedulable THEN the Application is Degraded and names that VM with KubeVirt's message", async () => {
    await writeDataVolumePhase(admin, ns, "h2-root-disk", "WaitForFirstConsumer");
    await writeVmStatus(admin, ns, "h2", {
      printableStatus: "ErrorUnschedulable",
      ready: false,
      created: true,
      conditions: [
        { type: "Ready", status: "False", reason: "GuestNotRunning", message: "Guest VM is not reported as running" },
        { type: "PodScheduled", status: "False", reason: "Unschedulable", message: UNSCHEDULABLE },
      ],
    });
    const app = await apps.waitFor(synced.name, "health Degraded", (a) => a.status?.health?.status === "Degraded");
    expect(app.status?.health?.message, describeApplication(app)).toContain(`kubevirt.io/VirtualMachine:${ns}/h2`);
    const degraded = app.status?.resources?.filter((r) => r.health?.status === "Degraded") ?? [];
    expect(degraded.map((r) => `${r.kind} ${r.name}`), describeApplication(app)).toEqual(["VirtualMachine h2"]);
    expect(degraded[0]!.health?.message).toBe(`ErrorUnschedulable: ${UNSCHEDULABLE}`);
    // Its disk waits for the VM to be scheduled: Healthy, it blocks nothing.
    expect(resourceOf(app, "DataVolume", ns, "h2-root-disk")?.health?.status).toBe("Healthy");
    expect(resourceOf(app, "DataVolume", ns, "h2-root-disk")?.health?.message).toMatch(/^WaitForFirstConsumer/);
    expect(app.status?.sync?.status).toBe("Synced");
  });

  it("WHEN the VM gets scheduled and runs THEN the Application is Healthy again", async () => {
    await writeDataVolumePhase(admin, ns, "h2-root-disk", "Succeeded");
    await writeVmRunning(admin, ns, "h2");
    const app = await apps.waitSynced(synced.name, { health: "Healthy" });
    expect(resourceOf(app, "VirtualMachine", ns, "h2")?.health?.status).toBe("Healthy");
  });
});
