// Status from every hub on real API servers (docs/adr/0031-status-from-every-hub.md): the suite's
// control plane is the management cluster (orders, Hubs, the controller's Lease), two more control
// planes are hubs serving the KubeVirt/CDI APIs. The controller (OSAC_VM_HUB_REGISTRY=on) is a real
// process writing into a real PostgreSQL; it applies each order's children on the order's hub and
// brings their status back. The test plays KubeVirt and CDI on the hubs (writing status as they
// do). One hub's API server is stopped: its orders go Unknown with HubReachable=False while the
// other hub's keep reconciling, and after the restart everything converges.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { REPO_ROOT, startControlPlane, type ControlPlane } from "../../scripts/cluster/harness.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { openStatusStore, type StatusStore } from "../../src/platform/database/index.ts";
import { connectionUrl, createPostgresServer, destroyServerSync, type PostgresServerInfo } from "../db/support/postgres-server.ts";
import { runCli } from "../support/cli.ts";
import { orderDocument } from "../support/orders.ts";
import "./support/context.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, rawRequest, uniqueName } from "./support/kube.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const HUB = "cloudkit.openshift.io/hub";
const TENANT = "status-tenant";
const KUBEVIRT_MANAGER = "kubevirt-e2e";
const suffix = randomUUID().slice(0, 6);
const H = { a: `status-a-${suffix}`, b: `status-b-${suffix}` };

let hubA: ControlPlane;
let hubB: ControlPlane;
let controller: ControllerProcess;
let pg: PostgresServerInfo;
let store: StatusStore;
let ordersNs: string;
let secretsNs: string;
let scratch: string;
const orders: { name: string; hub: string; uid: string }[] = [];

function harnessOrFail(): void {
  if (ctx.external || !ctx.caPath) throw new Error("these tests need the harness (hubs are started as extra control planes); unset E2E_KUBECONFIG");
}

function hubKubeconfig(cp: ControlPlane): string {
  return yaml.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "hub", cluster: { server: cp.server, "certificate-authority-data": fs.readFileSync(cp.caPath).toString("base64") } }],
    users: [{ name: "controller", user: { token: cp.adminToken } }],
    contexts: [{ name: "hub", context: { cluster: "hub", user: "controller" } }],
    "current-context": "hub",
  });
}

function hubAdmin(cp: ControlPlane): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  return kc;
}

const planeOf = (hub: string) => (hub === H.a ? hubA : hubB);
const childrenNs = () => tenantNamespace(ordersNs, TENANT);

async function request(kc: k8s.KubeConfig, method: string, urlPath: string, body?: unknown, contentType?: string): Promise<any> {
  const response = await rawRequest(kc, method, urlPath, body === undefined ? undefined : JSON.stringify(body), contentType);
  if (response.status >= 300) throw new Error(`${method} ${urlPath}: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body);
}

async function readOrder(name: string): Promise<any> {
  return request(admin, "GET", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines/${name}`);
}

function condition(order: any, type: string): { status?: string; reason?: string; message?: string } {
  return order.status?.conditions?.find((c: { type: string }) => c.type === type) ?? {};
}

/** The order's VirtualMachine on its hub (the controller applied it there). */
async function hubVm(hub: string, order: string): Promise<any> {
  const list = await request(hubAdmin(planeOf(hub)), "GET", `/apis/kubevirt.io/v1/namespaces/${childrenNs()}/virtualmachines?labelSelector=${encodeURIComponent(`cloudkit.openshift.io/virtualmachine=${order}`)}`);
  if (list.items.length !== 1) throw new Error(`hub ${hub}: ${list.items.length} VirtualMachines for order ${order}`);
  return list.items[0];
}

/** Plays CDI and KubeVirt on the hub: the root disk imported, the VM in `printableStatus`. */
async function playKubeVirt(hub: string, order: string, printableStatus: "Running" | "Stopped"): Promise<void> {
  const kc = hubAdmin(planeOf(hub));
  const vm = await hubVm(hub, order);
  const base = `/apis/kubevirt.io/v1/namespaces/${childrenNs()}/virtualmachines/${vm.metadata.name}`;
  const dataVolumes = await request(kc, "GET", `/apis/cdi.kubevirt.io/v1beta1/namespaces/${childrenNs()}/datavolumes?labelSelector=${encodeURIComponent(`cloudkit.openshift.io/virtualmachine=${order}`)}`);
  for (const dv of dataVolumes.items) {
    await request(kc, "PATCH", `/apis/cdi.kubevirt.io/v1beta1/namespaces/${childrenNs()}/datavolumes/${dv.metadata.name}/status?fieldManager=${KUBEVIRT_MANAGER}`, { status: { phase: "Succeeded", progress: "100.0%" } }, "application/merge-patch+json");
  }
  const ready = printableStatus === "Running";
  const status = {
    printableStatus,
    ready,
    created: true,
    conditions: [ready ? { type: "Ready", status: "True", reason: "", message: "" } : { type: "Ready", status: "False", reason: "VMINotExists", message: "VMI does not exist" }],
  };
  await request(kc, "PATCH", `${base}/status?fieldManager=${KUBEVIRT_MANAGER}`, { status }, "application/merge-patch+json");
}

async function waitOrder(name: string, check: (order: any) => void, timeoutMs = 60_000): Promise<any> {
  return eventually(
    async () => {
      const order = await readOrder(name);
      check(order);
      return order;
    },
    timeoutMs,
    250,
  );
}

function dumpLog(): void {
  if (controller) process.stderr.write(`\n----- controller log tail -----\n${controller.log().trimEnd().split("\n").slice(-80).join("\n")}\n`);
}

beforeEach(({ onTestFailed }) => onTestFailed(() => dumpLog()));

beforeAll(async () => {
  harnessOrFail();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-hubs-status-"));
  const log = (line: string) => process.stderr.write(`[e2e hubs-status] ${line}\n`);
  ordersNs = uniqueName("status-orders");
  secretsNs = uniqueName("status-secrets");
  await createNamespace(admin, ordersNs);
  await createNamespace(admin, secretsNs);
  pg = await createPostgresServer();
  const databaseUrl = connectionUrl(pg);
  store = await openStatusStore({ databaseUrl, postgres: { connectionTimeoutMs: 2_000, queryTimeoutMs: 5_000 } });
  const kubevirtCrds = [path.join(REPO_ROOT, "crds/upstream-subset")];
  [hubA, hubB] = await Promise.all([
    startControlPlane({ crdDirs: kubevirtCrds, defaultStorageClass: false, restrictedUserNames: [], log }),
    startControlPlane({ crdDirs: kubevirtCrds, defaultStorageClass: false, restrictedUserNames: [], log }),
  ]);
  controller = await startControllerProcess({
    kubeconfigPath: ctx.kubeconfigPath,
    leaseNamespace: secretsNs,
    identity: uniqueName("status-controller"),
    databaseUrl,
    env: { OSAC_VM_HUB_REGISTRY: "on", OSAC_VM_HUB_SECRETS_NAMESPACE: secretsNs },
    extraArgs: ["--hub-probe-interval-seconds", "2"],
    startTimeoutMs: 180_000,
  });
  for (const [name, plane] of [[H.a, hubA], [H.b, hubB]] as const) {
    const file = path.join(scratch, `${name}.kubeconfig`);
    fs.writeFileSync(file, hubKubeconfig(plane), { mode: 0o600 });
    const run = await runCli(["hubs", "add", name, "--hub-kubeconfig", file, "--secrets-namespace", secretsNs, "--vcpus", "64"], { env: { KUBECONFIG: ctx.kubeconfigPath, HOME: scratch } });
    expect(run.code, run.stderr).toBe(0);
  }
}, 600_000);

afterAll(async () => {
  for (const name of Object.values(H)) await rawRequest(admin, "DELETE", `/apis/gitops.cloudkit.openshift.io/v1alpha1/hubs/${name}`).catch(() => {});
  await controller?.stop();
  await store?.close().catch(() => {});
  if (pg) destroyServerSync(pg);
  for (const ns of [ordersNs, secretsNs]) if (ns) await deleteNamespaceNoWait(admin, ns);
  await Promise.all([hubA?.stop(), hubB?.stop()]);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe("status from every hub", () => {
  it("GIVEN orders on two hubs THEN their children are applied on their hub, and the status from both reaches the orders and the database with the hub's id", async () => {
    for (const hub of [H.a, H.a, H.b, H.b]) {
      const document = orderDocument({ cpu_cores: 1 }, { name: uniqueName("vm"), namespace: ordersNs, tenant: TENANT, uuid: randomUUID(), managedBy: "controller", annotations: { [HUB]: hub } });
      const created = await request(admin, "POST", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines`, document);
      orders.push({ name: created.metadata.name, hub, uid: created.metadata.uid });
    }
    for (const order of orders) {
      await eventually(() => hubVm(order.hub, order.name), 60_000, 250);
      // Never on the management cluster, nor on the other hub.
      const other = order.hub === H.a ? H.b : H.a;
      await expect(hubVm(other, order.name)).rejects.toThrow(/0 VirtualMachines/);
      await playKubeVirt(order.hub, order.name, "Running");
    }
    for (const order of orders) {
      const status = await waitOrder(order.name, (o) => {
        expect(o.status?.phase).toBe("Ready");
        expect(condition(o, "HubReachable")).toMatchObject({ status: "True", reason: "Watching" });
      });
      expect(condition(status, "HubReachable").message).toBe(`watching hub '${order.hub}'`);
      await eventually(async () => expect(await store.getVmState(order.uid)).toMatchObject({ hub: order.hub, state: "READY", powerStatus: "POWERED_ON" }), 30_000, 250);
    }
    const management = await rawRequest(admin, "GET", `/apis/kubevirt.io/v1/namespaces/${childrenNs()}/virtualmachines`);
    expect([403, 404].includes(management.status) || JSON.parse(management.body).items.length === 0).toBe(true);
  });

  it("GIVEN one hub's API server stopped THEN its orders go Unknown with HubReachable=False, the other hub's keep reconciling, and after the restart everything converges", async () => {
    const onA = orders.filter((order) => order.hub === H.a);
    const onB = orders.filter((order) => order.hub === H.b);
    const rowsBefore = await Promise.all(onB.map((order) => store.getVmState(order.uid)));
    const restart = hubB.restartApiServer({ downtimeMs: 45_000 });
    restart.catch(() => {});
    for (const order of onB) {
      const down = await waitOrder(order.name, (o) => {
        expect(o.status?.phase).toBe("Unknown");
        expect(condition(o, "HubReachable")).toMatchObject({ status: "False", reason: "HubUnreachable" });
      }, 40_000);
      expect(condition(down, "HubReachable").message).toContain(`hub '${H.b}' is not reachable (Unreachable`);
      // The last known status is kept: the VM was available, its addresses and versions stay.
      expect(condition(down, "Available").status).toBe("True");
    }
    // The database keeps the last observation from the hub.
    expect(await Promise.all(onB.map((order) => store.getVmState(order.uid).then((row) => row?.state)))).toEqual(rowsBefore.map((row) => row?.state));
    // Meanwhile the other hub's orders still follow their VMs.
    await playKubeVirt(H.a, onA[0]!.name, "Stopped");
    await waitOrder(onA[0]!.name, (o) => {
      expect(condition(o, "Available").status).toBe("False");
      expect(condition(o, "HubReachable").status).toBe("True");
    });
    await eventually(async () => expect((await store.getVmState(onA[0]!.uid))?.powerStatus).toBe("POWERED_OFF"), 30_000, 250);

    await restart;
    for (const order of onB) {
      await waitOrder(order.name, (o) => {
        expect(o.status?.phase).toBe("Ready");
        expect(condition(o, "HubReachable")).toMatchObject({ status: "True", reason: "Watching" });
      }, 90_000);
    }
    // The hub's watch set lists again and follows new changes.
    await playKubeVirt(H.b, onB[0]!.name, "Stopped");
    await waitOrder(onB[0]!.name, (o) => expect(condition(o, "Available").status).toBe("False"));
    await eventually(async () => expect((await store.getVmState(onB[0]!.uid))?.powerStatus).toBe("POWERED_OFF"), 30_000, 250);
    expect(controller.log()).toContain('"msg":"Stopped watching the hub"');
  });
});
