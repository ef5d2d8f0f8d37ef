// Proof 4 of issue 13 and item 7 of issue 12 (docs/adr/0019-argocd-sync-health-deletion.md): an
// order removed from Git loses its VM, Service and Secrets to Argo CD's prune; its DataVolume stays
// (a disk must not vanish because a file was deleted by mistake) without holding the Application
// OutOfSync; the tenant Namespace is never pruned, also when its last order goes; and an order put
// back gets its old disk back.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminKubeConfig, rawRequest, uniqueName } from "../e2e/support/kube.ts";
import { ArgoApplications, describeApplication, resourceOf } from "./support/argocd-app.ts";
import { gitopsOrder, pushOrders, syncOrders, type OrderDocument, type SyncedOrders } from "./support/fixture.ts";
import { dataVolumePath, getObject, secretPath, servicePath, vmPath } from "./support/play-kubevirt.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const ordersNamespace = uniqueName("orders");
const nsA = tenantNamespace(ordersNamespace, "tenant-a");
const nsB = tenantNamespace(ordersNamespace, "tenant-b");
let orders: OrderDocument[];
let synced: SyncedOrders;

const exists = async (path: string) => (await getObject(admin, path)) !== undefined;
const childPaths = (ns: string, order: string) => ({
  vm: vmPath(ns, order),
  service: servicePath(ns, `${order}-load-balancer`),
  cloudInit: secretPath(ns, `${order}-cloud-init`),
  sshKey: secretPath(ns, `${order}-ssh-public-key`),
  disk: dataVolumePath(ns, `${order}-root-disk`),
});

beforeAll(async () => {
  const key = { ssh_public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly user@example" };
  orders = [
    gitopsOrder("a1", ordersNamespace, "tenant-a", key),
    gitopsOrder("a2", ordersNamespace, "tenant-a"),
    gitopsOrder("a3", ordersNamespace, "tenant-a"),
    gitopsOrder("b1", ordersNamespace, "tenant-b"),
  ];
  synced = await syncOrders(ctx, apps, "deletion", orders);
});

afterAll(() => synced?.repo.dispose());

describe("GIVEN four synced orders of two tenants", () => {
  let diskUid: string;

  it("WHEN an order is removed from Git THEN its VM, Service and Secrets are pruned, its DataVolume stays and the Application is Synced", async () => {
    const a1 = childPaths(nsA, "a1");
    for (const path of Object.values(a1)) expect(await exists(path), path).toBe(true);
    diskUid = String((await getObject(admin, a1.disk))!.metadata.uid);

    const { app } = await pushOrders(apps, synced, orders.filter((o) => o.metadata.name !== "a1"), "Remove order a1");
    expect(synced.repo.exists(`rendered/${nsA}/a1.yaml`)).toBe(false);
    for (const path of [a1.vm, a1.service, a1.cloudInit, a1.sshKey]) expect(await exists(path), `${path} should be pruned`).toBe(false);
    const disk = await getObject(admin, a1.disk);
    expect(disk, "the DataVolume must survive the removal of its file").toBeDefined();
    expect(disk!.metadata.uid).toBe(diskUid);
    expect(disk!.metadata.deletionTimestamp).toBeUndefined();
    expect(app.status?.sync?.status, describeApplication(app)).toBe("Synced");
    // Argo CD still lists the disk, as needing a prune it will not do (Prune=false).
    const listed = resourceOf(app, "DataVolume", nsA, "a1-root-disk");
    expect(listed?.requiresPruning).toBe(true);
    expect(app.status?.operationState?.syncResult?.resources?.find((r) => r.kind === "DataVolume" && r.name === "a1-root-disk")?.message).toMatch(/prune/i);
    // The other orders are untouched.
    for (const path of Object.values(childPaths(nsA, "a2")).filter((p) => !p.includes("ssh-public-key"))) expect(await exists(path), path).toBe(true);
  });

  it("WHEN a tenant's last order is removed THEN its Namespace is not pruned and the Application does not stay OutOfSync", async () => {
    const { app } = await pushOrders(apps, synced, orders.filter((o) => o.metadata.name !== "a1" && o.metadata.name !== "b1"), "Remove order b1, the last of tenant-b");
    expect(synced.repo.exists(`rendered/${nsB}/_namespace.yaml`)).toBe(false);
    const namespace = (await rawRequest(admin, "GET", `/api/v1/namespaces/${nsB}`));
    expect(namespace.status).toBe(200);
    expect(JSON.parse(namespace.body).metadata.deletionTimestamp).toBeUndefined();
    expect(await exists(vmPath(nsB, "b1"))).toBe(false);
    expect(await exists(dataVolumePath(nsB, "b1-root-disk"))).toBe(true);
    expect(app.status?.sync?.status, describeApplication(app)).toBe("Synced");
    expect(resourceOf(app, "Namespace", undefined, nsB)?.requiresPruning).toBe(true);
    // A refresh later, still Synced (not OutOfSync forever).
    const again = await apps.refresh(synced.name, "hard");
    expect(again.status?.sync?.status, describeApplication(again)).toBe("Synced");
  });

  it("WHEN the removed order comes back THEN its children are re-created on the same disk", async () => {
    const { app } = await pushOrders(apps, synced, orders.filter((o) => o.metadata.name !== "b1"), "Restore order a1");
    const a1 = childPaths(nsA, "a1");
    for (const path of Object.values(a1)) expect(await exists(path), path).toBe(true);
    expect((await getObject(admin, a1.disk))!.metadata.uid).toBe(diskUid);
    expect(resourceOf(app, "DataVolume", nsA, "a1-root-disk")?.status).toBe("Synced");
    expect(resourceOf(app, "DataVolume", nsA, "a1-root-disk")?.requiresPruning).toBeFalsy();
  });
});
