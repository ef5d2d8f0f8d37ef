// The controller scoped to namespaces (chart value controller.watchNamespaces → --order-namespaces,
// --tenant-namespaces), on the real API server, authenticated with a TokenRequest token of the
// chart's ServiceAccount and bound only by the chart's Roles: it syncs, applies a controller
// order's children into a listed tenant namespace and removes them again, reports an order whose
// tenant namespace is not listed, never sees orders elsewhere, and its token reads no Secret
// outside the listed namespaces.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { orderDocument } from "../support/orders.ts";
import "./support/context.ts";
import { applyAll, serverVersion, serviceAccountKubeconfig, statusWith } from "./support/chart-cluster.ts";
import { ensureHelm, find, render, type KubeDoc } from "./support/chart-helm.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, rawRequest, ResourceMapper, uniqueName } from "./support/kube.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const mapper = new ResourceMapper(admin);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
const objects = admin.makeApiClient(k8s.CustomObjectsApi);
const RUN = uniqueName("scope");
const RELEASE_NS = `${RUN}-system`;
const ORDERS_NS = uniqueName("scope-orders");
const OTHER_ORDERS_NS = uniqueName("scope-other");
const TENANT_NS = tenantNamespace(ORDERS_NS, "scope-tenant");
const UNLISTED_TENANT_NS = tenantNamespace(ORDERS_NS, "outside");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-scope-"));
const namespaces: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
const log = (line: string) => process.stderr.write(`[scope] ${line}\n`);

let controller: ControllerProcess;
let controllerKc: k8s.KubeConfig;

const order = (name: string, namespace: string, tenant: string) =>
  orderDocument({ cpu_cores: "2", storage_class: "standard" }, { name, namespace, tenant, uuid: randomUUID(), managedBy: "controller" });
const create = (body: ReturnType<typeof order>) =>
  objects.createNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: body.metadata.namespace, plural: "virtualmachines", body });
const read = async (namespace: string, name: string) =>
  (await objects.getNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace, plural: "virtualmachines", name })) as any;
const childNames = async (apiPath: string, name: string) => {
  const res = await rawRequest(admin, "GET", `${apiPath}?labelSelector=${encodeURIComponent(`cloudkit.openshift.io/virtualmachine=${name}`)}`);
  if (res.status !== 200) throw new Error(`GET ${apiPath}: HTTP ${res.status}`);
  return (JSON.parse(res.body).items as { metadata: { name: string } }[]).map((item) => item.metadata.name);
};

beforeAll(async () => {
  await ensureHelm();
  for (const ns of [RELEASE_NS, ORDERS_NS, OTHER_ORDERS_NS, TENANT_NS]) {
    await createNamespace(admin, ns);
    namespaces.push(ns);
  }
  const rendered = await render({
    release: RUN,
    namespace: RELEASE_NS,
    kubeVersion: await serverVersion(admin),
    set: { "controller.watchNamespaces.orders[0]": ORDERS_NS, "controller.watchNamespaces.tenants[0]": TENANT_NS },
  });
  const rbacDocs = rendered.filter((d) => ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].includes(d.kind));
  for (const doc of rbacDocs.filter((d) => d.kind === "ClusterRole" || d.kind === "ClusterRoleBinding")) {
    const name = doc.metadata.name;
    cleanups.push(() => (doc.kind === "ClusterRole" ? rbac.deleteClusterRole({ name }) : rbac.deleteClusterRoleBinding({ name })).catch(() => undefined));
  }
  await applyAll(admin, mapper, rbacDocs, "osac-vm-scope-e2e");
  const identity = await serviceAccountKubeconfig(admin, RELEASE_NS, find(rendered, "ServiceAccount", "-controller").metadata.name, work);
  controllerKc = identity.kc;
  const container: KubeDoc = find(rendered, "Deployment", "-controller").spec.template.spec.containers[0];
  const scopeArgs = (container.args as string[]).filter((arg) => /^--(order|tenant)-namespaces=/.test(arg));
  expect(scopeArgs).toEqual([`--order-namespaces=${ORDERS_NS}`, `--tenant-namespaces=${TENANT_NS}`]);
  controller = await startControllerProcess({ kubeconfigPath: identity.path, leaseNamespace: RELEASE_NS, identity: `${RUN}-controller`, extraArgs: scopeArgs });
  cleanups.push(() => controller.stop());
  log(`controller log ${controller.logFile}`);
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  for (const ns of namespaces) await deleteNamespaceNoWait(admin, ns);
  fs.rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("the controller scoped to namespaces, with the chart's Roles only", () => {
  it("GIVEN only Roles in the listed namespaces THEN its caches sync (ready) and nothing was forbidden", async () => {
    await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${controller.metricsPort}/readyz`);
      if (res.status !== 200) throw new Error(`controller /readyz: ${res.status} ${await res.text()}`);
    }, 60_000, 250);
    expect(controller.log()).not.toMatch(/forbidden/i);
  });

  it("GIVEN a controller order whose tenant namespace is listed THEN its children are applied and its status written; deleting it removes them", async () => {
    await create(order("vm-scoped", ORDERS_NS, "scope-tenant"));
    const stored = await eventually(async () => {
      const got = await read(ORDERS_NS, "vm-scoped");
      if (!got.status?.phase || (await childNames(`/apis/kubevirt.io/v1/namespaces/${TENANT_NS}/virtualmachines`, "vm-scoped")).length !== 1) throw new Error(`not reconciled yet: ${JSON.stringify(got.status)}`);
      return got;
    }, 60_000, 250);
    expect(stored.metadata.finalizers).toContain("cloudkit.openshift.io/osac-vm-controller");
    expect(stored.status.conditions.find((c: { type: string }) => c.type === "Accepted").status).toBe("True");
    expect(await childNames(`/api/v1/namespaces/${TENANT_NS}/secrets`, "vm-scoped")).toHaveLength(1);
    const tenant = JSON.parse((await rawRequest(admin, "GET", `/api/v1/namespaces/${TENANT_NS}`)).body);
    expect(tenant.metadata.labels["cloudkit.openshift.io/tenant-namespace"]).toBe("true");

    await objects.deleteNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ORDERS_NS, plural: "virtualmachines", name: "vm-scoped" });
    await eventually(async () => {
      if ((await rawRequest(admin, "GET", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ORDERS_NS}/virtualmachines/vm-scoped`)).status !== 404) throw new Error("order still there");
    }, 60_000, 250);
    expect(await childNames(`/apis/kubevirt.io/v1/namespaces/${TENANT_NS}/virtualmachines`, "vm-scoped")).toEqual([]);
    expect(await childNames(`/api/v1/namespaces/${TENANT_NS}/secrets`, "vm-scoped")).toEqual([]);
  });

  it("GIVEN an order whose tenant namespace is not listed THEN Accepted=False (TenantNamespaceNotWatched), no finalizer, nothing created", async () => {
    await create(order("vm-unlisted", ORDERS_NS, "outside"));
    const stored = await eventually(async () => {
      const got = await read(ORDERS_NS, "vm-unlisted");
      if (!got.status?.conditions) throw new Error("no status yet");
      return got;
    }, 60_000, 250);
    const accepted = stored.status.conditions.find((c: { type: string }) => c.type === "Accepted");
    expect(accepted).toMatchObject({ status: "False", reason: "TenantNamespaceNotWatched" });
    expect(accepted.message).toContain(UNLISTED_TENANT_NS);
    expect(accepted.message).toContain("controller.watchNamespaces.tenants");
    expect(stored.metadata.finalizers ?? []).not.toContain("cloudkit.openshift.io/osac-vm-controller");
    expect((await rawRequest(admin, "GET", `/api/v1/namespaces/${UNLISTED_TENANT_NS}`)).status).toBe(404);
  });

  it("GIVEN an order in a namespace that is not listed THEN the controller never touches it", async () => {
    await create(order("vm-elsewhere", OTHER_ORDERS_NS, "scope-tenant"));
    // A listed order created after it is reconciled; by then the other one would have been too.
    await create(order("vm-marker", ORDERS_NS, "scope-tenant"));
    await eventually(async () => {
      if (!(await read(ORDERS_NS, "vm-marker")).status?.phase) throw new Error("marker not reconciled yet");
    }, 60_000, 250);
    const elsewhere = await read(OTHER_ORDERS_NS, "vm-elsewhere");
    expect(elsewhere.status).toBeUndefined();
    expect(elsewhere.metadata.finalizers).toBeUndefined();
  });

  it("GIVEN the controller's token THEN Secrets and orders are readable only in the listed namespaces, and Namespaces cannot be created", async () => {
    expect(await statusWith(controllerKc, "GET", `/api/v1/namespaces/${TENANT_NS}/secrets?labelSelector=cloudkit.openshift.io%2Fvirtualmachine`)).toBe(200);
    expect(await statusWith(controllerKc, "GET", "/api/v1/secrets?labelSelector=cloudkit.openshift.io%2Fvirtualmachine")).toBe(403);
    expect(await statusWith(controllerKc, "GET", `/api/v1/namespaces/${OTHER_ORDERS_NS}/secrets`)).toBe(403);
    expect(await statusWith(controllerKc, "GET", `/api/v1/namespaces/${RELEASE_NS}/secrets`)).toBe(403);
    expect(await statusWith(controllerKc, "GET", `/api/v1/namespaces/${ORDERS_NS}/secrets`)).toBe(403);
    expect(await statusWith(controllerKc, "GET", "/apis/cloudkit.openshift.io/v1alpha1/virtualmachines")).toBe(403);
    expect(await statusWith(controllerKc, "GET", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${OTHER_ORDERS_NS}/virtualmachines`)).toBe(403);
    expect(await statusWith(controllerKc, "POST", "/api/v1/namespaces", { metadata: { name: `${RUN}-new` } })).toBe(403);
    expect(await statusWith(controllerKc, "DELETE", `/api/v1/namespaces/${TENANT_NS}`)).toBe(403);
    expect(controller.log()).not.toMatch(/forbidden/i);
  });
});
