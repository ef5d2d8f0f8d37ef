// Proof 6 of issue 13: a `controller` order and a `gitops` order in the same tenant namespace do
// not fight. The controller applies only its own order's children (field manager
// osac-vm-controller) and never the gitops order's; Argo CD (annotation tracking) never prunes the
// controller's children, and both apply the shared tenant Namespace without conflict.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { startControllerProcess, type ControllerProcess } from "../e2e/support/controller-process.ts";
import { adminKubeConfig, createNamespace, rawRequest, uniqueName, type KubeObject } from "../e2e/support/kube.ts";
import { orderDocument } from "../support/orders.ts";
import { ArgoApplications, describeApplication } from "./support/argocd-app.ts";
import { gitopsOrder, syncOrders, type SyncedOrders } from "./support/fixture.ts";
import { dataVolumePath, getObject, secretPath, servicePath, vmPath } from "./support/play-kubevirt.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const ordersNamespace = uniqueName("orders");
const TENANT = "mixed";
const ns = tenantNamespace(ordersNamespace, TENANT);
const ORDERS = `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNamespace}/virtualmachines`;
let controller: ControllerProcess;
let synced: SyncedOrders;

const children = (order: string) => [vmPath(ns, order), servicePath(ns, `${order}-load-balancer`), secretPath(ns, `${order}-cloud-init`), dataVolumePath(ns, `${order}-root-disk`)];
const managers = (object: KubeObject | undefined) => ((object?.metadata.managedFields as { manager: string }[] | undefined) ?? []).map((m) => m.manager);

beforeAll(async () => {
  const leaseNamespace = uniqueName("lease");
  await createNamespace(admin, leaseNamespace);
  await createNamespace(admin, ordersNamespace);
  controller = await startControllerProcess({ kubeconfigPath: ctx.cluster.kubeconfigPath, leaseNamespace, identity: "gitops-mixed", logLevel: "info" });
  // The gitops order: in the cluster (as fulfillment-service creates it) and rendered into Git.
  const gitops = gitopsOrder("by-argocd", ordersNamespace, TENANT, { storage_class: "standard" });
  const created = await rawRequest(admin, "POST", ORDERS, JSON.stringify(gitops));
  expect(created.status, created.body).toBe(201);
  synced = await syncOrders(ctx, apps, "mixed", [gitops]);
  // The controller order: only in the cluster.
  const direct = orderDocument({ cpu_cores: "2", storage_class: "standard" }, { name: "by-controller", namespace: ordersNamespace, tenant: TENANT, managedBy: "controller" });
  const posted = await rawRequest(admin, "POST", ORDERS, JSON.stringify(direct));
  expect(posted.status, posted.body).toBe(201);
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => void process.stderr.write(`\n----- controller log tail -----\n${controller?.log().split("\n").slice(-40).join("\n")}\n`));
});

afterAll(async () => {
  await controller?.stop();
  synced?.repo.dispose();
});

describe("GIVEN a controller order and a gitops order in one tenant namespace", () => {
  it("THEN each side applies only its own order's children", async () => {
    const deadline = Date.now() + 60_000;
    while ((await Promise.all(children("by-controller").map((p) => getObject(admin, p)))).some((o) => !o)) {
      if (Date.now() > deadline) throw new Error(`the controller did not create by-controller's children within 60 s; log:\n${controller.log().split("\n").slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const path of children("by-controller")) {
      const object = await getObject(admin, path);
      expect(managers(object), path).toContain("osac-vm-controller");
      expect(managers(object), path).not.toContain("argocd-controller");
      expect(object!.metadata.annotations, path).not.toHaveProperty(["argocd.argoproj.io/tracking-id"]);
    }
    for (const path of children("by-argocd")) {
      const object = await getObject(admin, path);
      expect(managers(object), path).toContain("argocd-controller");
      expect(managers(object), path).not.toContain("osac-vm-controller");
    }
    // Both applied the tenant Namespace, with the same fields: no conflict.
    const namespace = JSON.parse((await rawRequest(admin, "GET", `/api/v1/namespaces/${ns}`)).body) as KubeObject;
    expect(managers(namespace)).toEqual(expect.arrayContaining(["argocd-controller", "osac-vm-controller"]));
  });

  it("THEN Argo CD never prunes the controller's children and stays Synced, refresh after refresh", async () => {
    const before = await Promise.all(children("by-controller").map((p) => getObject(admin, p)));
    for (const round of [1, 2]) {
      const app = await apps.refresh(synced.name, "hard");
      expect(app.status?.sync?.status, `round ${round}:\n  ${describeApplication(app)}`).toBe("Synced");
      expect((app.status?.resources ?? []).filter((r) => r.name.startsWith("by-controller")), "Argo CD must not track them").toEqual([]);
    }
    const after = await Promise.all(children("by-controller").map((p) => getObject(admin, p)));
    expect(after.map((o) => o?.metadata.uid)).toEqual(before.map((o) => o?.metadata.uid));
    // And the controller never touched Argo CD's children.
    for (const path of children("by-argocd")) expect(managers(await getObject(admin, path)), path).not.toContain("osac-vm-controller");
  });

  it("WHEN the controller order is deleted THEN the controller removes its children and Argo CD's stay Synced", async () => {
    const deleted = await rawRequest(admin, "DELETE", `${ORDERS}/by-controller`);
    expect(deleted.status).toBe(200);
    const deadline = Date.now() + 60_000;
    while ((await Promise.all(children("by-controller").map((p) => getObject(admin, p)))).some((o) => o)) {
      if (Date.now() > deadline) throw new Error(`by-controller's children still exist after 60 s; log:\n${controller.log().split("\n").slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const app = await apps.refresh(synced.name, "normal");
    expect(app.status?.sync?.status, describeApplication(app)).toBe("Synced");
    for (const path of children("by-argocd")) expect(await getObject(admin, path), path).toBeDefined();
  });
});
