// The controller (`osac-vm controller`) as real processes against a real API server and a real
// PostgreSQL 15: direct apply of `controller` orders (children, finalizer, re-apply, pruning, the
// DataVolume that cannot change, ordered deletion), status sync of `controller` and `gitops`
// orders while the test plays KubeVirt, `aap` orders left alone, leader election between two
// processes (SIGKILL of the leader), a PostgreSQL outage and a kube-apiserver restart.
//
// No admission webhook is registered for these namespaces: orders carry `storage_class`
// themselves. Measured numbers are printed on lines starting with `[controller-e2e]`.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { REPO_ROOT, isProcessAlive, startControlPlane, type ControlPlane } from "../../scripts/cluster/harness.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { openStatusStore, type StatusStore, type VmStateRecord } from "../../src/platform/database/index.ts";
import { connectionUrl, createPostgresServer, destroyServerSync, startServer, stopServer, type PostgresServerInfo } from "../db/support/postgres-server.ts";
import "./support/context.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { startWebhookProcess, wireConversion, type WebhookProcess } from "./support/webhook-process.ts";
import { ResourceMapper, adminKubeConfig, createNamespace, deleteNamespaceNoWait, rawRequest, serverSideApply, uniqueName, type KubeObject } from "./support/kube.ts";

const execFileAsync = promisify(execFile);
const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");

const TENANT = "e2e-tenant";
const STORAGE_CLASS = "standard";
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnV0rEmQyqZbnwtvYpVqN7eR8ts0x8vPa1bJmW7dXbM ops@example.com";
const CONTROLLER_MANAGER = "osac-vm-controller";
const CONTROLLER_FINALIZER = "cloudkit.openshift.io/osac-vm-controller";
const ORDER_LABEL = "cloudkit.openshift.io/virtualmachine";
const CONFIG_VERSION = "cloudkit.openshift.io/config-version";
/** Field manager of the test's KubeVirt/CDI/service-controller stand-in (status writes). */
const KUBEVIRT_MANAGER = "kubevirt-e2e";
const ARGOCD_MANAGER = "argocd-e2e";

function report(line: string): void {
  console.log(`[controller-e2e] ${line}`);
}

// ---------------------------------------------------------------------------------------------
// Processes and resources of the file, cleaned up in the file's afterAll.

let pg: PostgresServerInfo | undefined;
let databaseUrl = "";
let store: StatusStore | undefined;
const controllers: ControllerProcess[] = [];
const tmpDirs: string[] = [];
const kubectlCache = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-kubectl-"));
tmpDirs.push(kubectlCache);
const fileStartedAt = performance.now();

function db(): StatusStore {
  if (!store) throw new Error("the status store is not open");
  return store;
}

async function startController(kubeconfigPath: string, leaseNamespace: string, identity: string): Promise<ControllerProcess> {
  const t0 = performance.now();
  const c = await startControllerProcess({ kubeconfigPath, leaseNamespace, identity, databaseUrl });
  controllers.push(c);
  report(`controller ${identity} (pid ${c.pid}) serving metrics on ${c.metricsPort} after ${(performance.now() - t0).toFixed(0)} ms; log ${c.logFile}`);
  return c;
}

/** Prints the end of every controller log when a test fails (the files go away with the processes). */
function dumpControllerLogs(): void {
  for (const c of controllers) {
    const tail = c.log().trimEnd().split("\n").slice(-60).join("\n");
    process.stderr.write(`\n----- controller ${c.identity} (pid ${c.pid}, ${c.alive() ? "alive" : `exited ${JSON.stringify(c.exit())}`}) log tail -----\n${tail}\n`);
  }
}

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => dumpControllerLogs());
});

beforeAll(async () => {
  const t0 = performance.now();
  pg = await createPostgresServer();
  databaseUrl = connectionUrl(pg);
  store = await openStatusStore({ databaseUrl, postgres: { connectionTimeoutMs: 2_000, queryTimeoutMs: 5_000 } });
  report(`PostgreSQL 15 on ${pg.host}:${pg.port} started in ${(performance.now() - t0).toFixed(0)} ms`);
});

afterAll(async () => {
  for (const c of controllers.splice(0)) await c.stop();
  await store?.close().catch(() => {});
  if (pg) destroyServerSync(pg);
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  report(`file total ${((performance.now() - fileStartedAt) / 1000).toFixed(1)} s`);
});

// ---------------------------------------------------------------------------------------------
// Kubernetes helpers (REST through the admin kubeconfig; kubectl where a user would look)

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    managedFields?: { manager?: string; operation?: string; subresource?: string }[];
  };
  spec?: any;
  status?: any;
}

async function request<T = unknown>(kc: k8s.KubeConfig, method: string, urlPath: string, body?: unknown, contentType?: string): Promise<{ status: number; body: T }> {
  const response = await rawRequest(kc, method, urlPath, body === undefined ? undefined : JSON.stringify(body), contentType);
  let parsed: unknown = response.body;
  try {
    parsed = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: response.status, body: parsed as T };
}

async function mustRequest<T = unknown>(kc: k8s.KubeConfig, method: string, urlPath: string, body?: unknown, contentType?: string): Promise<T> {
  const response = await request<T>(kc, method, urlPath, body, contentType);
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`${method} ${urlPath}: HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 800)}`);
  }
  return response.body;
}

/** GET; undefined on 404. */
async function get<T = Obj>(kc: k8s.KubeConfig, urlPath: string): Promise<T | undefined> {
  const response = await request<T>(kc, "GET", urlPath);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET ${urlPath}: HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
  return response.body;
}

const MERGE = "application/merge-patch+json";

const ordersPath = (ns: string) => `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines`;
const orderPath = (ns: string, name: string) => `${ordersPath(ns)}/${name}`;

interface ChildKind {
  readonly kind: string;
  /** kubectl resource name (fully qualified: `virtualmachines` alone is ambiguous with the orders). */
  readonly resource: string;
  collection(ns: string): string;
}
const VM: ChildKind = { kind: "VirtualMachine", resource: "virtualmachines.kubevirt.io", collection: (ns) => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines` };
const SERVICE: ChildKind = { kind: "Service", resource: "services", collection: (ns) => `/api/v1/namespaces/${ns}/services` };
const DATA_VOLUME: ChildKind = { kind: "DataVolume", resource: "datavolumes.cdi.kubevirt.io", collection: (ns) => `/apis/cdi.kubevirt.io/v1beta1/namespaces/${ns}/datavolumes` };
const SECRET: ChildKind = { kind: "Secret", resource: "secrets", collection: (ns) => `/api/v1/namespaces/${ns}/secrets` };
const VMI: ChildKind = { kind: "VirtualMachineInstance", resource: "virtualmachineinstances.kubevirt.io", collection: (ns) => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances` };
/** The kinds an order's children have, in the role's deletion order. */
const CHILD_KINDS = [VM, SERVICE, DATA_VOLUME, SECRET] as const;

const names = (order: string) => ({
  cloudInit: `${order}-cloud-init`,
  ssh: `${order}-ssh-public-key`,
  rootDisk: `${order}-root-disk`,
  vm: order,
  service: `${order}-load-balancer`,
});

/** Every child of `order` in `ns` (REST, label selector), as `Kind/name` → object. */
async function children(kc: k8s.KubeConfig, ns: string, order: string): Promise<Map<string, Obj>> {
  const found = new Map<string, Obj>();
  const selector = encodeURIComponent(`${ORDER_LABEL}=${order}`);
  await Promise.all(
    CHILD_KINDS.map(async (k) => {
      const list = await get<{ items: Obj[] }>(kc, `${k.collection(ns)}?labelSelector=${selector}`);
      for (const item of list?.items ?? []) found.set(`${k.kind}/${item.metadata.name}`, item);
    }),
  );
  return found;
}

async function kubectl(kubeconfigPath: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync("kubectl", ["--kubeconfig", kubeconfigPath, "--cache-dir", kubectlCache, ...args], { maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as Error & { stderr?: string };
    throw new Error(`kubectl ${args.join(" ")} failed: ${e.message}\n${e.stderr ?? ""}`);
  }
}

/** The order's children as kubectl lists them (kind/name → object). */
async function kubectlChildren(kubeconfigPath: string, ns: string, order: string): Promise<Map<string, Obj>> {
  const out = await kubectl(kubeconfigPath, ["get", CHILD_KINDS.map((k) => k.resource).join(","), "--show-managed-fields", "-n", ns, "-l", `${ORDER_LABEL}=${order}`, "-o", "json"]);
  const list = JSON.parse(out) as { items: Obj[] };
  return new Map(list.items.map((item) => [`${item.kind}/${item.metadata.name}`, item]));
}

function managers(object: Obj): string[] {
  return [...new Set((object.metadata.managedFields ?? []).map((f) => f.manager ?? ""))].sort();
}

interface OrderParameters {
  cpu_cores?: string;
  memory?: string;
  disk_size?: string;
  exposed_ports?: string;
  image_source?: string;
  storage_class?: string;
  ssh_public_key?: string;
}

const BASE_PARAMETERS: OrderParameters = {
  cpu_cores: "2",
  memory: "2Gi",
  disk_size: "10Gi",
  exposed_ports: "22/tcp",
  image_source: "quay.io/containerdisks/fedora:40",
  storage_class: STORAGE_CLASS,
};

function templateParameters(parameters: OrderParameters): string {
  const sorted = Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify(sorted);
}

function orderObject(ns: string, name: string, parameters: OrderParameters, managedBy: string | undefined): Obj {
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      name,
      namespace: ns,
      labels: { "cloudkit.openshift.io/virtualmachine-uuid": randomUUID() },
      annotations: { "cloudkit.openshift.io/tenant": TENANT, ...(managedBy ? { "cloudkit.openshift.io/managed-by": managedBy } : {}) },
    },
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: templateParameters(parameters) },
  };
}

async function createOrder(kc: k8s.KubeConfig, order: Obj): Promise<Obj> {
  return mustRequest<Obj>(kc, "POST", ordersPath(order.metadata.namespace!), order);
}

async function setParameters(kc: k8s.KubeConfig, ns: string, name: string, parameters: OrderParameters): Promise<Obj> {
  return mustRequest<Obj>(kc, "PATCH", orderPath(ns, name), { spec: { templateParameters: templateParameters(parameters) } }, MERGE);
}

/** Writes `status` through the status subresource (a merge patch), as KubeVirt/CDI/a cloud provider would. */
async function patchStatus(kc: k8s.KubeConfig, objectPath: string, status: unknown): Promise<Obj> {
  return mustRequest<Obj>(kc, "PATCH", `${objectPath}/status?fieldManager=${KUBEVIRT_MANAGER}`, { status }, MERGE);
}

const vmPath = (ns: string, order: string) => `${VM.collection(ns)}/${names(order).vm}`;
const vmiPath = (ns: string, order: string) => `${VMI.collection(ns)}/${names(order).vm}`;
const dataVolumePath = (ns: string, order: string) => `${DATA_VOLUME.collection(ns)}/${names(order).rootDisk}`;
const servicePath = (ns: string, order: string) => `${SERVICE.collection(ns)}/${names(order).service}`;

function vmStatus(printableStatus: string, ready: boolean, message = ""): Record<string, unknown> {
  return {
    printableStatus,
    ready,
    created: true,
    conditions: [
      ready
        ? { type: "Ready", status: "True", reason: "", message: "" }
        : { type: "Ready", status: "False", reason: printableStatus, message: message || `VM is ${printableStatus}` },
    ],
  };
}

/**
 * Plays KubeVirt, CDI and the cloud provider for one order: the DataVolume Succeeded, the
 * Service's load balancer ingress, a running VMI with guest addresses (VMIs have no status
 * subresource: the status is part of the object), and last the VM's status. Returns the time
 * right after the last write.
 */
async function playKubeVirtReady(kc: k8s.KubeConfig, ns: string, order: string, guestIps: string[], ingressIp: string): Promise<number> {
  await patchStatus(kc, dataVolumePath(ns, order), { phase: "Succeeded", progress: "100.0%" });
  await patchStatus(kc, servicePath(ns, order), { loadBalancer: { ingress: [{ ip: ingressIp }] } });
  await upsertVmi(kc, ns, order, guestIps);
  await patchStatus(kc, vmPath(ns, order), vmStatus("Running", true));
  return performance.now();
}

async function upsertVmi(kc: k8s.KubeConfig, ns: string, order: string, guestIps: string[]): Promise<void> {
  const vm = await get(kc, vmPath(ns, order));
  if (!vm) throw new Error(`VirtualMachine ${ns}/${order} does not exist`);
  const status = { phase: "Running", interfaces: [{ name: "default", ipAddress: guestIps[0], ipAddresses: guestIps, mac: "02:00:00:00:00:01" }] };
  const existing = await get(kc, vmiPath(ns, order));
  if (existing) {
    await mustRequest(kc, "PATCH", `${vmiPath(ns, order)}?fieldManager=${KUBEVIRT_MANAGER}`, { status }, MERGE);
    return;
  }
  await mustRequest(kc, "POST", `${VMI.collection(ns)}?fieldManager=${KUBEVIRT_MANAGER}`, {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachineInstance",
    metadata: {
      name: order,
      namespace: ns,
      // KubeVirt copies the template's labels (the order label among them) onto the VMI.
      labels: { ...(vm.spec?.template?.metadata?.labels ?? {}) },
      ownerReferences: [{ apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name: order, uid: vm.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { domain: { devices: {} } },
    status,
  });
}

function condition(object: Obj | undefined, type: string): { status: string; reason: string; message: string } | undefined {
  return (object?.status?.conditions as { type: string; status: string; reason: string; message: string }[] | undefined)?.find((c) => c.type === type);
}

/** Polls `probe` until it returns something other than undefined/false; fails after `timeoutMs` naming `what` and the last value seen. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the order's status passes `check` (which throws, with expect, while it does not). */
async function waitForOrder(kc: k8s.KubeConfig, ns: string, name: string, what: string, check: (order: Obj) => void, timeoutMs = 20_000): Promise<Obj> {
  return waitFor(`order ${ns}/${name}: ${what}`, async () => {
    const order = await get(kc, orderPath(ns, name));
    if (!order) throw new Error("the order does not exist");
    try {
      check(order);
    } catch (error) {
      throw new Error(`${(error as Error).message.split("\n")[0]}; status ${JSON.stringify(order.status)}`);
    }
    return order;
  }, timeoutMs, 25);
}

async function waitForRow(uid: string, what: string, check: (row: VmStateRecord) => void, timeoutMs = 20_000): Promise<VmStateRecord> {
  return waitFor(`database row of ${uid}: ${what}`, async () => {
    const row = await db().getVmState(uid);
    if (!row) throw new Error("no row");
    try {
      check(row);
    } catch (error) {
      throw new Error(`${(error as Error).message.split("\n")[0]}; row ${JSON.stringify({ state: row.state, power: row.powerStatus, ips: row.ipAddresses, deletedAt: row.deletedAt })}`);
    }
    return row;
  }, timeoutMs, 25);
}

/** Waits until every expected child of a controller order exists with the order's config version. */
async function waitForChildren(kc: k8s.KubeConfig, ordersNs: string, order: string, expected: string[], timeoutMs = 20_000): Promise<{ order: Obj; children: Map<string, Obj> }> {
  return waitFor(`the children of ${order} (${expected.join(", ")}) at the order's config version`, async () => {
    const current = await get(kc, orderPath(ordersNs, order));
    const desired = current?.status?.desiredConfigVersion as string | undefined;
    const found = await children(kc, tenantNamespace(ordersNs, TENANT), order);
    const keys = [...found.keys()].sort();
    if (!desired || JSON.stringify(keys) !== JSON.stringify([...expected].sort())) return undefined;
    if (![...found.values()].every((c) => c.metadata.annotations?.[CONFIG_VERSION] === desired)) return undefined;
    return { order: current!, children: found };
  }, timeoutMs);
}

function expectedChildren(order: string, withSsh: boolean): string[] {
  const n = names(order);
  return [`Secret/${n.cloudInit}`, ...(withSsh ? [`Secret/${n.ssh}`] : []), `DataVolume/${n.rootDisk}`, `VirtualMachine/${n.vm}`, `Service/${n.service}`];
}

/** Log lines of `c` about `order` with the message `msg`. */
function logCount(c: ControllerProcess, msg: string, order: string): number {
  return c.logLines().filter((l) => l.msg === msg && (l.name === order || l.order === order || (typeof l.order === "string" && l.order.endsWith(`/${order}`)))).length;
}

// =============================================================================================
// One controller process on the suite's control plane.

describe("osac-vm controller process on the suite's control plane", () => {
  let controller: ControllerProcess;
  let leaseNs: string;
  const namespaces: string[] = [];

  async function freshNamespace(prefix: string): Promise<{ ns: string; tenantNs: string }> {
    const ns = uniqueName(prefix);
    await createNamespace(admin, ns);
    namespaces.push(ns, tenantNamespace(ns, TENANT));
    return { ns, tenantNs: tenantNamespace(ns, TENANT) };
  }

  beforeAll(async () => {
    leaseNs = uniqueName("ctl-lease");
    await createNamespace(admin, leaseNs);
    namespaces.push(leaseNs);
    controller = await startController(ctx.kubeconfigPath, leaseNs, "ctl-a");
    await waitFor("controller ctl-a to lead", async () => (await controller.leader()) === 1, 30_000, 100);
  });

  afterAll(async () => {
    // Delete what is left while the controller still runs, so that finalizers are released.
    for (const ns of namespaces) await request(admin, "DELETE", ordersPath(ns)).catch(() => {});
    await waitFor("the test orders to be gone", async () => {
      for (const ns of namespaces) if (((await get<{ items: Obj[] }>(admin, ordersPath(ns)))?.items.length ?? 0) > 0) return false;
      return true;
    }, 20_000, 200).catch((e: Error) => report(`cleanup: ${e.message.slice(0, 200)}`));
    await controller?.stop();
    for (const ns of namespaces) await deleteNamespaceNoWait(admin, ns);
  });

  it("applies a controller order's children, re-applies changes, prunes the SSH Secret, and reports a DataVolume change as blocked without retrying", async () => {
    const { ns, tenantNs } = await freshNamespace("ctl-apply");
    const name = "vm-a";
    const n = names(name);
    const parameters: OrderParameters = { ...BASE_PARAMETERS, ssh_public_key: SSH_KEY };
    const created = await createOrder(admin, orderObject(ns, name, parameters, "controller"));
    const uid = created.metadata.uid!;

    // Children, as kubectl shows them.
    const { order } = await waitForChildren(admin, ns, name, expectedChildren(name, true));
    const desired1 = order.status.desiredConfigVersion as string;
    const listed = await kubectlChildren(ctx.kubeconfigPath, tenantNs, name);
    expect([...listed.keys()].sort()).toEqual(expectedChildren(name, true).sort());
    for (const [key, child] of listed) {
      expect(child.metadata.namespace, key).toBe(tenantNs);
      expect(child.metadata.labels, key).toMatchObject({ [ORDER_LABEL]: name, "app.kubernetes.io/managed-by": "osac-vm-gitops", "app.kubernetes.io/part-of": "osac" });
      expect(child.metadata.annotations?.[CONFIG_VERSION], key).toBe(desired1);
      expect(managers(child), key).toEqual([CONTROLLER_MANAGER]);
    }
    const vm = listed.get(`VirtualMachine/${n.vm}`)!;
    expect(vm.spec.runStrategy).toBe("Always");
    expect(vm.spec.template.spec.domain.memory.guest).toBe("2Gi");
    expect(vm.spec.template.spec.domain.cpu.cores).toBe(2);
    expect(vm.spec.template.spec.accessCredentials[0].sshPublicKey.source.secret.secretName).toBe(n.ssh);
    expect(listed.get(`DataVolume/${n.rootDisk}`)!.spec.pvc).toMatchObject({ storageClassName: STORAGE_CLASS, resources: { requests: { storage: "10Gi" } } });
    expect(listed.get(`Service/${n.service}`)!.spec).toMatchObject({ type: "LoadBalancer", ports: [{ port: 22, protocol: "TCP" }] });
    const sshSecret = listed.get(`Secret/${n.ssh}`) as Obj & { data: Record<string, string> };
    expect(Buffer.from(sshSecret.data["ssh-public-key"]!, "base64").toString()).toBe(SSH_KEY);
    const tenantNamespaceObject = JSON.parse(await kubectl(ctx.kubeconfigPath, ["get", "namespace", tenantNs, "-o", "json"])) as Obj;
    expect(tenantNamespaceObject.metadata.labels).toMatchObject({ "cloudkit.openshift.io/tenant-namespace": "true" });
    expect(tenantNamespaceObject.metadata.annotations).toMatchObject({ "cloudkit.openshift.io/tenant": TENANT, "cloudkit.openshift.io/order-namespace": ns });

    // Finalizer and status (the VM has no KubeVirt status yet: Progressing).
    const withStatus = await waitForOrder(admin, ns, name, "Progressing with references", (o) => {
      expect(o.metadata.finalizers).toContain(CONTROLLER_FINALIZER);
      expect(o.status).toMatchObject({
        phase: "Progressing",
        desiredConfigVersion: desired1,
        reconciledConfigVersion: desired1,
        virtualMachineReference: { namespace: tenantNs, kubeVirtVirtualMachineName: name },
        tenantReference: { namespace: ns },
      });
      expect(condition(o, "Accepted")?.status).toBe("True");
      expect(condition(o, "Degraded")?.status).toBe("False");
    });
    report(`apply: order ${name} status ${JSON.stringify({ phase: withStatus.status.phase, progressing: condition(withStatus, "Progressing")?.reason })}`);
    await waitForRow(uid, "PROGRESSING / STARTING", (row) => {
      expect(row).toMatchObject({ state: "PROGRESSING", powerStatus: "STARTING", namespace: ns, name, desiredConfigVersion: desired1 });
    });

    // A changed order is re-applied: the VM's memory, and the config version on every child.
    const vmBefore = (await children(admin, tenantNs, name)).get(`VirtualMachine/${n.vm}`)!;
    await setParameters(admin, ns, name, { ...parameters, memory: "3Gi" });
    const { order: changed, children: afterChange } = await waitFor("a new desiredConfigVersion applied to every child", async () => {
      const o = await get(admin, orderPath(ns, name));
      if (!o?.status?.desiredConfigVersion || o.status.desiredConfigVersion === desired1) return undefined;
      return waitForChildren(admin, ns, name, expectedChildren(name, true), 100).catch(() => undefined);
    });
    const desired2 = changed.status.desiredConfigVersion as string;
    expect(afterChange.get(`VirtualMachine/${n.vm}`)!.spec.template.spec.domain.memory.guest).toBe("3Gi");
    expect(afterChange.get(`VirtualMachine/${n.vm}`)!.metadata.resourceVersion).not.toBe(vmBefore.metadata.resourceVersion);
    for (const [key, child] of afterChange) expect(child.metadata.annotations?.[CONFIG_VERSION], key).toBe(desired2);
    await waitForOrder(admin, ns, name, "reconciled at the new version", (o) => expect(o.status).toMatchObject({ desiredConfigVersion: desired2, reconciledConfigVersion: desired2 }));

    // Dropping the SSH key prunes its Secret and the VM's access credentials.
    const { ssh_public_key: _dropped, ...withoutKey } = parameters;
    await setParameters(admin, ns, name, { ...withoutKey, memory: "3Gi" });
    const pruned = await waitForChildren(admin, ns, name, expectedChildren(name, false));
    expect(pruned.children.get(`VirtualMachine/${n.vm}`)!.spec.template.spec.accessCredentials).toBeUndefined();
    expect(await get(admin, `${SECRET.collection(tenantNs)}/${n.ssh}`)).toBeUndefined();
    const afterPrune = await kubectlChildren(ctx.kubeconfigPath, tenantNs, name);
    expect([...afterPrune.keys()].sort()).toEqual(expectedChildren(name, false).sort());

    // A bigger disk cannot be applied to the DataVolume (CDI refuses spec changes): a condition, no retry loop.
    const dvBefore = (await children(admin, tenantNs, name)).get(`DataVolume/${n.rootDisk}`)!;
    await setParameters(admin, ns, name, { ...withoutKey, memory: "3Gi", disk_size: "20Gi" });
    const blocked = await waitForOrder(admin, ns, name, "Degraded DataVolumeSpecImmutable", (o) => {
      expect(condition(o, "Degraded")).toMatchObject({ status: "True", reason: "DataVolumeSpecImmutable" });
      expect(o.status.phase).toBe("Failed");
    });
    const desired3 = blocked.status.desiredConfigVersion as string;
    // The other children carry the new version; the DataVolume keeps its spec and version.
    const blockedChildren = await waitFor("the other children at the blocked config version", async () => {
      const found = await children(admin, tenantNs, name);
      const others = [...found.entries()].filter(([key]) => !key.startsWith("DataVolume/"));
      return others.every(([, c]) => c.metadata.annotations?.[CONFIG_VERSION] === desired3) ? found : undefined;
    });
    const dv = blockedChildren.get(`DataVolume/${n.rootDisk}`)!;
    expect(dv.spec.pvc.resources.requests.storage).toBe("10Gi");
    expect(dv.metadata.resourceVersion).toBe(dvBefore.metadata.resourceVersion);
    expect(dv.metadata.annotations?.[CONFIG_VERSION]).toBe(dvBefore.metadata.annotations?.[CONFIG_VERSION]);
    expect(blocked.status.reconciledConfigVersion).not.toBe(desired3);
    expect(condition(blocked, "Degraded")!.message).toMatch(/cannot be changed in place/);
    await waitForRow(uid, "FAILED with the Degraded condition", (row) => {
      expect(row.state).toBe("FAILED");
      expect(row.conditions.find((c) => c.type === "Degraded")).toMatchObject({ status: "True", reason: "DataVolumeSpecImmutable" });
    });

    // Bounded: over a few seconds nothing is written again and the controller does not loop.
    await new Promise((r) => setTimeout(r, 500)); // let the reconcile that wrote the status finish
    const snapshot = async () => {
      const found = await children(admin, tenantNs, name);
      const o = await get(admin, orderPath(ns, name));
      return {
        order: o!.metadata.resourceVersion,
        children: Object.fromEntries([...found].map(([key, c]) => [key, c.metadata.resourceVersion])),
        applied: logCount(controller, "Applied the order's children", name),
        failed: logCount(controller, "Failed to reconcile an order; will retry", name),
      };
    };
    const first = await snapshot();
    await new Promise((r) => setTimeout(r, 4_000));
    const second = await snapshot();
    expect(second).toEqual(first);
    report(`blocked DataVolume change: no write and no reconcile log line for 4 s (applies logged so far for ${name}: ${first.applied}, retries: ${first.failed})`);

    // Going back to the DataVolume's size clears the condition and converges again.
    await setParameters(admin, ns, name, { ...withoutKey, memory: "3Gi" });
    await waitForOrder(admin, ns, name, "no longer Degraded and reconciled", (o) => {
      expect(condition(o, "Degraded")).toMatchObject({ status: "False" });
      expect(o.status.phase).toBe("Progressing");
      expect(o.status.reconciledConfigVersion).toBe(o.status.desiredConfigVersion);
    });
    expect(controller.alive()).toBe(true);
  });

  it("turns KubeVirt's status into Ready (order and database within a second or two), then CrashLoopBackOff into Failed", async () => {
    const { ns, tenantNs } = await freshNamespace("ctl-ready");
    const name = "vm-b";
    const created = await createOrder(admin, orderObject(ns, name, BASE_PARAMETERS, "controller"));
    const uid = created.metadata.uid!;
    await waitForChildren(admin, ns, name, expectedChildren(name, false));
    await waitForOrder(admin, ns, name, "Progressing", (o) => expect(o.status.phase).toBe("Progressing"));

    const guestIps = ["10.128.0.17", "fd00:10:128::17"];
    const ingress = "192.0.2.10";
    const written = await playKubeVirtReady(admin, tenantNs, name, guestIps, ingress);
    // Poll the order and the row side by side, each from the moment of the last KubeVirt write.
    const [ready, row] = await Promise.all([
      waitForOrder(admin, ns, name, "Ready", (o) => expect(o.status.phase).toBe("Ready"), 5_000).then((o) => ({ o, ms: performance.now() - written })),
      waitForRow(uid, "READY / POWERED_ON", (r) => expect([r.state, r.powerStatus]).toEqual(["READY", "POWERED_ON"]), 5_000).then((r) => ({ r, ms: performance.now() - written })),
    ]);
    report(`status propagation: VM status Running/ready → order phase Ready in ${ready.ms.toFixed(0)} ms, database row READY/POWERED_ON in ${row.ms.toFixed(0)} ms`);
    expect(ready.ms).toBeLessThan(2_000);
    expect(row.ms).toBeLessThan(2_000);
    const readyOrder = await waitForOrder(admin, ns, name, "Ready with addresses", (o) => expect(o.status.ipAddresses).toEqual([...guestIps, ingress]));
    expect(condition(readyOrder, "Available")).toMatchObject({ status: "True", reason: "VirtualMachineReady" });
    expect(condition(readyOrder, "Progressing")).toMatchObject({ status: "False" });
    expect(condition(readyOrder, "Degraded")).toMatchObject({ status: "False" });
    expect(readyOrder.status.reconciledConfigVersion).toBe(readyOrder.status.desiredConfigVersion);
    const readyRow = await waitForRow(uid, "with the addresses", (r) => expect(r.ipAddresses).toEqual([...guestIps, ingress]));
    expect(readyRow).toMatchObject({
      state: "READY",
      powerStatus: "POWERED_ON",
      namespace: ns,
      name,
      virtualMachineUuid: created.metadata.labels!["cloudkit.openshift.io/virtualmachine-uuid"],
      desiredConfigVersion: readyOrder.status.desiredConfigVersion,
      reconciledConfigVersion: readyOrder.status.desiredConfigVersion,
      deletedAt: null,
    });

    // The guest crashes.
    const crashedAt = await patchStatus(admin, vmPath(tenantNs, name), vmStatus("CrashLoopBackOff", false, "back-off restarting failed virt-launcher")).then(() => performance.now());
    const failed = await waitForOrder(admin, ns, name, "Failed / Degraded CrashLoopBackOff", (o) => {
      expect(o.status.phase).toBe("Failed");
      expect(condition(o, "Degraded")).toMatchObject({ status: "True", reason: "CrashLoopBackOff" });
      expect(condition(o, "Available")).toMatchObject({ status: "False" });
    }, 5_000);
    const failedMs = performance.now() - crashedAt;
    await waitForRow(uid, "FAILED / ERROR", (r) => expect([r.state, r.powerStatus]).toEqual(["FAILED", "ERROR"]), 5_000);
    report(`status propagation: CrashLoopBackOff → order Failed in ≤ ${failedMs.toFixed(0)} ms, row FAILED/ERROR in ${(performance.now() - crashedAt).toFixed(0)} ms`);
    expect(condition(failed, "Degraded")!.message).toMatch(/CrashLoopBackOff/);
    const history = await db().listHistory(uid);
    expect(history.map((h) => `${h.state}/${h.powerStatus}`)).toEqual(expect.arrayContaining(["PROGRESSING/STARTING", "READY/POWERED_ON", "FAILED/ERROR"]));
  });

  it("deletes a controller order's children in the role's order (VM, Service, DataVolume, Secrets), then releases the finalizer", async () => {
    const { ns, tenantNs } = await freshNamespace("ctl-delete");
    const name = "vm-del";
    const created = await createOrder(admin, orderObject(ns, name, { ...BASE_PARAMETERS, ssh_public_key: SSH_KEY }, "controller"));
    const uid = created.metadata.uid!;
    await waitForChildren(admin, ns, name, expectedChildren(name, true));
    await waitForOrder(admin, ns, name, "finalizer", (o) => expect(o.metadata.finalizers).toContain(CONTROLLER_FINALIZER));
    await waitForRow(uid, "a row", () => {});

    // Watch the four kinds; record each DELETED event with its resourceVersion (one etcd: revisions
    // are comparable across kinds) and when it arrived.
    const deletions: { key: string; resourceVersion: number; at: number }[] = [];
    const watch = new k8s.Watch(admin);
    const aborts: AbortController[] = [];
    const t0 = performance.now();
    for (const k of CHILD_KINDS) {
      aborts.push(
        await watch.watch(
          k.collection(tenantNs),
          { labelSelector: `${ORDER_LABEL}=${name}` },
          (type: string, object: Obj) => {
            if (type === "DELETED") deletions.push({ key: `${k.kind}/${object.metadata.name}`, resourceVersion: Number(object.metadata.resourceVersion), at: performance.now() - t0 });
          },
          () => {},
        ),
      );
    }
    try {
      await new Promise((r) => setTimeout(r, 300)); // the watches are established
      const phases = new Set<string>();
      const deleteAt = performance.now();
      await mustRequest(admin, "DELETE", orderPath(ns, name));
      await waitFor("the order to be gone", async () => {
        const o = await get(admin, orderPath(ns, name));
        if (o?.status?.phase) phases.add(o.status.phase);
        return o === undefined;
      }, 30_000, 25);
      const goneMs = performance.now() - deleteAt;
      await waitFor("five DELETED events", async () => deletions.length >= 5, 5_000);
      const ordered = [...deletions].sort((a, b) => a.resourceVersion - b.resourceVersion);
      report(`deletion: order gone ${goneMs.toFixed(0)} ms after DELETE; children deleted in order ${ordered.map((d) => `${d.key}@${d.at.toFixed(0)}ms`).join(", ")}; phases seen ${[...phases].join(",")}`);
      expect(ordered.map((d) => d.key.split("/")[0])).toEqual(["VirtualMachine", "Service", "DataVolume", "Secret", "Secret"]);
      expect(new Set(deletions.map((d) => d.key))).toEqual(new Set(expectedChildren(name, true)));
      // Arrival times agree with the revisions: the VM was gone before any Secret.
      const vmGone = deletions.find((d) => d.key.startsWith("VirtualMachine/"))!.at;
      for (const s of deletions.filter((d) => d.key.startsWith("Secret/"))) expect(s.at).toBeGreaterThan(vmGone);
    } finally {
      for (const a of aborts) a.abort();
    }
    expect((await children(admin, tenantNs, name)).size).toBe(0);
    const row = await waitForRow(uid, "DELETED", (r) => {
      expect(r.powerStatus).toBe("DELETED");
      expect(r.deletedAt).not.toBeNull();
    });
    expect(row.name).toBe(name);
  });

  it("never touches a gitops order's children (Argo CD applies them) but syncs its status, up to Ready", async () => {
    const { ns, tenantNs } = await freshNamespace("ctl-gitops");
    const name = "vm-g";
    const order = orderObject(ns, name, { ...BASE_PARAMETERS, ssh_public_key: SSH_KEY }, "gitops");
    const created = await createOrder(admin, order);
    const uid = created.metadata.uid!;

    // Render it as the GitOps pipeline does, and apply it as Argo CD does.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-controller-render-"));
    tmpDirs.push(dir);
    fs.writeFileSync(path.join(dir, "order.yaml"), yaml.dump(order));
    await execFileAsync(process.execPath, [CLI, "render", "--in", path.join(dir, "order.yaml"), "--out", path.join(dir, "out")], { cwd: REPO_ROOT });
    const files = fs.readdirSync(path.join(dir, "out", tenantNs)).sort(); // _namespace.yaml first
    const rendered = files.flatMap((f) => yaml.loadAll(fs.readFileSync(path.join(dir, "out", tenantNs, f), "utf8")).filter(Boolean) as KubeObject[]);
    expect(rendered.map((o) => o.kind)).toEqual(["Namespace", "Secret", "Secret", "DataVolume", "VirtualMachine", "Service"]);
    const mapper = new ResourceMapper(admin);
    for (const object of rendered) await serverSideApply(admin, mapper, object, ARGOCD_MANAGER);
    const renderedVersion = (rendered[1]!.metadata.annotations as Record<string, string>)[CONFIG_VERSION];

    const synced = await waitForOrder(admin, ns, name, "status synced from Argo CD's children", (o) => {
      expect(o.status).toMatchObject({
        phase: "Progressing",
        desiredConfigVersion: renderedVersion,
        reconciledConfigVersion: renderedVersion,
        virtualMachineReference: { namespace: tenantNs, kubeVirtVirtualMachineName: name },
      });
    });
    expect(synced.metadata.finalizers ?? []).not.toContain(CONTROLLER_FINALIZER);

    const written = await playKubeVirtReady(admin, tenantNs, name, ["10.128.0.33"], "192.0.2.33");
    const ready = await waitForOrder(admin, ns, name, "Ready", (o) => {
      expect(o.status.phase).toBe("Ready");
      expect(o.status.ipAddresses).toEqual(["10.128.0.33", "192.0.2.33"]);
    }, 5_000);
    report(`gitops order: Ready ${(performance.now() - written).toFixed(0)} ms after the VM status write`);
    expect(condition(ready, "Available")?.status).toBe("True");
    await waitForRow(uid, "READY / POWERED_ON", (r) => expect([r.state, r.powerStatus, r.ipAddresses]).toEqual(["READY", "POWERED_ON", ["10.128.0.33", "192.0.2.33"]]), 5_000);

    // A while later: still nobody but Argo CD (and the KubeVirt stand-in's status writes) wrote the children.
    await new Promise((r) => setTimeout(r, 1_500));
    const live = await kubectlChildren(ctx.kubeconfigPath, tenantNs, name);
    expect([...live.keys()].sort()).toEqual(expectedChildren(name, true).sort());
    for (const [key, child] of live) {
      expect(managers(child), key).not.toContain(CONTROLLER_MANAGER);
      expect(managers(child), key).toContain(ARGOCD_MANAGER);
    }
    const namespaceObject = (await get(admin, `/api/v1/namespaces/${tenantNs}`))!;
    expect(managers(namespaceObject)).not.toContain(CONTROLLER_MANAGER);
    const finalOrder = (await get(admin, orderPath(ns, name)))!;
    expect(finalOrder.metadata.finalizers ?? []).toEqual([]);
    expect(managers(finalOrder)).toContain(CONTROLLER_MANAGER); // the status, through the status subresource only
    expect(finalOrder.metadata.managedFields!.filter((f) => f.manager?.startsWith(CONTROLLER_MANAGER)).every((f) => f.subresource === "status")).toBe(true);
  });

  it("does nothing with aap orders and orders without managed-by (no children, no status, no finalizer)", async () => {
    const { ns, tenantNs } = await freshNamespace("ctl-aap");
    const aap = await createOrder(admin, orderObject(ns, "vm-aap", BASE_PARAMETERS, "aap"));
    const unset = await createOrder(admin, orderObject(ns, "vm-unset", BASE_PARAMETERS, undefined));
    // A controller order created after them: once it has its status, the others were seen too.
    await createOrder(admin, orderObject(ns, "vm-witness", BASE_PARAMETERS, "controller"));
    await waitForChildren(admin, ns, "vm-witness", expectedChildren("vm-witness", false));
    await waitForOrder(admin, ns, "vm-witness", "a status", (o) => expect(o.status?.phase).toBe("Progressing"));
    await new Promise((r) => setTimeout(r, 1_500));
    for (const o of [aap, unset]) {
      const name = o.metadata.name;
      const now = (await get(admin, orderPath(ns, name)))!;
      expect(now.status, name).toBeUndefined();
      expect(now.metadata.finalizers ?? [], name).toEqual([]);
      expect(managers(now), name).not.toContain(CONTROLLER_MANAGER);
      expect(managers(now).filter((m) => m.startsWith(CONTROLLER_MANAGER)), name).toEqual([]);
      expect(now.metadata.resourceVersion, name).toBe(o.metadata.resourceVersion);
      expect((await kubectlChildren(ctx.kubeconfigPath, tenantNs, name)).size, name).toBe(0);
      expect(await db().getVmState(o.metadata.uid!), name).toBeUndefined();
    }
  });

  it("loses nothing when PostgreSQL is down for 10 s: the row reaches the final state after the restart", { timeout: 120_000 }, async () => {
    const { ns, tenantNs } = await freshNamespace("ctl-pg");
    const name = "vm-pg";
    const created = await createOrder(admin, orderObject(ns, name, BASE_PARAMETERS, "controller"));
    const uid = created.metadata.uid!;
    await waitForChildren(admin, ns, name, expectedChildren(name, false));
    await playKubeVirtReady(admin, tenantNs, name, ["10.128.0.50"], "192.0.2.50");
    await waitForRow(uid, "READY", (r) => expect(r.state).toBe("READY"));
    await patchStatus(admin, vmPath(tenantNs, name), vmStatus("CrashLoopBackOff", false));
    await waitForRow(uid, "FAILED / ERROR", (r) => expect([r.state, r.powerStatus]).toEqual(["FAILED", "ERROR"]));

    const stoppedAt = performance.now();
    await stopServer(pg!, "fast");
    report(`PostgreSQL stopped (pg_ctl -m fast) in ${(performance.now() - stoppedAt).toFixed(0)} ms`);
    // While it is down, the VM goes through Stopped and Starting to Running with a new address;
    // the order's status follows at once (the database is not on the reconcile path).
    await patchStatus(admin, vmPath(tenantNs, name), vmStatus("Stopped", false));
    await waitForOrder(admin, ns, name, "Progressing (Stopped) during the outage", (o) => expect(condition(o, "Available")?.reason).toBe("Stopped"), 5_000);
    await patchStatus(admin, vmPath(tenantNs, name), vmStatus("Starting", false));
    await upsertVmi(admin, tenantNs, name, ["10.128.0.51"]);
    await patchStatus(admin, vmPath(tenantNs, name), vmStatus("Running", true));
    await waitForOrder(admin, ns, name, "Ready during the outage", (o) => {
      expect(o.status.phase).toBe("Ready");
      expect(o.status.ipAddresses).toEqual(["10.128.0.51", "192.0.2.50"]);
    }, 5_000);
    const backlog = await waitFor("the database backlog gauge to show the pending row", async () => ((await controller.metric("osac_vm_controller_database_backlog")) ?? 0) > 0, 5_000, 200);
    expect(backlog).toBe(true);
    const errors = (await controller.metric("osac_vm_controller_database_write_errors_total")) ?? 0;
    expect(errors).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (performance.now() - stoppedAt))));
    expect((await db().getVmState(uid).catch(() => "unavailable"))).toBe("unavailable");

    const restartedAt = performance.now();
    await startServer(pg!);
    const downMs = restartedAt - stoppedAt;
    const row = await waitForRow(uid, "READY / POWERED_ON with the new address", (r) => {
      expect([r.state, r.powerStatus]).toEqual(["READY", "POWERED_ON"]);
      expect(r.ipAddresses).toEqual(["10.128.0.51", "192.0.2.50"]);
    }, 30_000);
    const recoveryMs = performance.now() - restartedAt;
    report(`PostgreSQL outage: down ${(downMs / 1000).toFixed(1)} s; row reached READY/POWERED_ON ${recoveryMs.toFixed(0)} ms after the restart (write errors during the outage: ${errors}+)`);
    expect(row.conditions.find((c) => c.type === "Available")).toMatchObject({ status: "True" });
    const history = await db().listHistory(uid);
    expect(history.at(-1)).toMatchObject({ state: "READY", powerStatus: "POWERED_ON", ipAddresses: ["10.128.0.51", "192.0.2.50"] });
    await waitFor("the backlog to drain", async () => (await controller.metric("osac_vm_controller_database_backlog")) === 0, 10_000, 200);
    expect(controller.alive()).toBe(true);
  });
});

// =============================================================================================
// Two controller processes: leader election with a crash.

describe("two osac-vm controller processes (leader election)", () => {
  let leaseNs: string;
  const namespaces: string[] = [];
  let replicas: ControllerProcess[] = [];

  beforeAll(async () => {
    leaseNs = uniqueName("ctl-ha");
    await createNamespace(admin, leaseNs);
    namespaces.push(leaseNs);
  });

  afterAll(async () => {
    for (const ns of namespaces) await request(admin, "DELETE", ordersPath(ns)).catch(() => {});
    await waitFor("the test orders to be gone", async () => {
      for (const ns of namespaces) if (((await get<{ items: Obj[] }>(admin, ordersPath(ns)))?.items.length ?? 0) > 0) return false;
      return true;
    }, 20_000, 200).catch((e: Error) => report(`cleanup: ${e.message.slice(0, 200)}`));
    for (const r of replicas) await r.stop();
    for (const ns of namespaces) await deleteNamespaceNoWait(admin, ns);
  });

  it("elects exactly one leader; after SIGKILL of the leader the other takes over within 20 s and keeps reconciling", { timeout: 120_000 }, async () => {
    replicas = await Promise.all([startController(ctx.kubeconfigPath, leaseNs, "ctl-ha-1"), startController(ctx.kubeconfigPath, leaseNs, "ctl-ha-2")]);
    const gauges = async () => Promise.all(replicas.map((r) => r.leader()));
    await waitFor("one replica to lead", async () => (await gauges()).reduce((a, b) => a + b, 0) === 1, 30_000, 100);
    // Exactly one for a while (covers a renewal period of 2 s).
    for (let i = 0; i < 12; i++) {
      expect((await gauges()).reduce((a, b) => a + b, 0)).toBe(1);
      await new Promise((r) => setTimeout(r, 250));
    }
    const values = await gauges();
    const leader = replicas[values.indexOf(1)]!;
    const follower = replicas[values.indexOf(0)]!;
    const leases = admin.makeApiClient(k8s.CoordinationV1Api);
    const lease = await leases.readNamespacedLease({ name: "osac-vm-controller", namespace: leaseNs });
    expect(lease.spec?.holderIdentity).toBe(leader.identity);
    expect(lease.spec?.leaseDurationSeconds).toBe(15);

    // The leader works.
    const ns = uniqueName("ctl-ha-orders");
    await createNamespace(admin, ns);
    namespaces.push(ns, tenantNamespace(ns, TENANT));
    const tenantNs = tenantNamespace(ns, TENANT);
    await createOrder(admin, orderObject(ns, "vm-before", BASE_PARAMETERS, "controller"));
    await waitForChildren(admin, ns, "vm-before", expectedChildren("vm-before", false));
    // The log is written in batches (src/platform/batched-output.ts): the line may trail the objects.
    await waitFor("the leader's log to say it applied vm-before", async () => logCount(leader, "Applied the order's children", "vm-before") > 0, 5_000, 50);
    expect(logCount(follower, "Applied the order's children", "vm-before")).toBe(0);

    // Crash the leader.
    const killedAt = performance.now();
    await leader.kill();
    expect(leader.exit()?.signal).toBe("SIGKILL");
    await waitFor("the follower to lead", async () => (await follower.leader()) === 1, 25_000, 100);
    const takeoverMs = performance.now() - killedAt;
    report(`leader election: ${leader.identity} SIGKILLed, ${follower.identity} led after ${takeoverMs.toFixed(0)} ms (lease 15 s, retry 2 s)`);
    expect(takeoverMs).toBeLessThan(20_000);
    const after = await leases.readNamespacedLease({ name: "osac-vm-controller", namespace: leaseNs });
    expect(after.spec?.holderIdentity).toBe(follower.identity);
    expect(after.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);

    // The new leader reconciles: a new order gets its children, status and row.
    const created = await createOrder(admin, orderObject(ns, "vm-after", BASE_PARAMETERS, "controller"));
    const t0 = performance.now();
    await waitForChildren(admin, ns, "vm-after", expectedChildren("vm-after", false));
    await waitForOrder(admin, ns, "vm-after", "Progressing with a finalizer", (o) => {
      expect(o.status?.phase).toBe("Progressing");
      expect(o.metadata.finalizers).toContain(CONTROLLER_FINALIZER);
    });
    await waitForRow(created.metadata.uid!, "a row", (r) => expect(r.state).toBe("PROGRESSING"));
    report(`leader election: the new leader applied a new order's children in ${(performance.now() - t0).toFixed(0)} ms`);
    await waitFor("the new leader's log to say it applied vm-after", async () => logCount(follower, "Applied the order's children", "vm-after") > 0, 5_000, 50);
    expect(follower.alive()).toBe(true);
  });
});

// =============================================================================================
// A second control plane of this file's own, whose kube-apiserver is restarted under the controller.

describe("osac-vm controller across a kube-apiserver restart (a second control plane)", () => {
  let cp: ControlPlane;
  let kc: k8s.KubeConfig;
  let controller: ControllerProcess;
  let webhook: WebhookProcess | undefined;

  beforeAll(async () => {
    const t0 = performance.now();
    cp = await startControlPlane({ log: (line) => process.stderr.write(`[controller-e2e cp2] ${line}\n`) });
    report(`second control plane ${cp.server} ready in ${(performance.now() - t0).toFixed(0)} ms`);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    // As on the suite's control plane (and a real install): the order CRD converts through the
    // project's webhook. Without it kube-apiserver's v1beta1 watch cache fails on every order
    // event, and its graceful shutdown hangs until SIGKILL.
    webhook = await startWebhookProcess(cp.kubeconfigPath);
    await wireConversion(kc, webhook.url, webhook.caPem);
    await createNamespace(kc, "ctl-lease");
    controller = await startController(cp.kubeconfigPath, "ctl-lease", "ctl-restart");
    await waitFor("controller ctl-restart to lead", async () => (await controller.leader()) === 1, 30_000, 100);
  });

  afterAll(async () => {
    await controller?.stop();
    await webhook?.stop();
    await cp?.stop();
  });

  it("recovers after the API server was stopped and restarted (graceful, then crash): order status and database row right, controller alive", { timeout: 240_000 }, async () => {
    const ns = "ctl-restart-orders";
    const tenantNs = tenantNamespace(ns, TENANT);
    await createNamespace(kc, ns);
    const name = "vm-r";
    const parameters = { ...BASE_PARAMETERS, ssh_public_key: SSH_KEY };
    const created = await createOrder(kc, orderObject(ns, name, parameters, "controller"));
    const uid = created.metadata.uid!;
    await waitForChildren(kc, ns, name, expectedChildren(name, true));
    await playKubeVirtReady(kc, tenantNs, name, ["10.128.1.10"], "192.0.2.110");
    let previous = await waitForOrder(kc, ns, name, "Ready", (o) => expect(o.status.phase).toBe("Ready"));
    await waitForRow(uid, "READY", (r) => expect(r.state).toBe("READY"));

    const rounds = [
      { signal: "SIGTERM", memory: "3Gi", guestIp: "10.128.1.11" },
      { signal: "SIGKILL", memory: "4Gi", guestIp: "10.128.1.12" },
    ] as const;
    for (const round of rounds) {
      const restartsBefore = await watchRestarts(controller);
      const oldPid = cp.pids.apiserver;

      // Stop kube-apiserver, keep it down for 5 s (change nothing meanwhile), start it again.
      const restart = await cp.restartApiServer({ downtimeMs: 5_000, signal: round.signal });
      report(
        `kube-apiserver restart (${round.signal}): old process gone after ${restart.stopMs} ms, down 5 s more, new process ready after ${restart.readyMs} ms ` +
          `(API unavailable ${restart.totalMs} ms); pid ${restart.oldPid} → ${restart.newPid}`,
      );
      expect(restart.oldPid).toBe(oldPid);
      expect(cp.pids.apiserver).toBe(restart.newPid);
      expect(restart.newPid).not.toBe(oldPid);
      expect(isProcessAlive(oldPid)).toBe(false);
      expect(controller.alive()).toBe(true);

      // Right after the restart: change the order (memory) and the VM (a new guest address).
      const t0 = performance.now();
      await setParameters(kc, ns, name, { ...parameters, memory: round.memory });
      await upsertVmi(kc, tenantNs, name, [round.guestIp]);
      await patchStatus(kc, vmPath(tenantNs, name), vmStatus("Running", true));
      const after = await waitForOrder(kc, ns, name, `Ready at the new config version with ${round.guestIp}`, (o) => {
        expect(o.status.desiredConfigVersion).not.toBe(previous.status.desiredConfigVersion);
        expect(o.status.reconciledConfigVersion).toBe(o.status.desiredConfigVersion);
        expect(o.status.phase).toBe("Ready");
        expect(o.status.ipAddresses).toEqual([round.guestIp, "192.0.2.110"]);
      }, 90_000);
      const statusMs = performance.now() - t0;
      const vm = (await get(kc, vmPath(tenantNs, name)))!;
      expect(vm.spec.template.spec.domain.memory.guest).toBe(round.memory);
      expect(vm.metadata.annotations?.[CONFIG_VERSION]).toBe(after.status.desiredConfigVersion);
      await waitForRow(uid, "READY with the new version and address", (r) => {
        expect([r.state, r.powerStatus]).toEqual(["READY", "POWERED_ON"]);
        expect(r.reconciledConfigVersion).toBe(after.status.desiredConfigVersion);
        expect(r.ipAddresses).toEqual([round.guestIp, "192.0.2.110"]);
      }, 30_000);
      const rowMs = performance.now() - t0;
      const restartsAfter = await watchRestarts(controller);
      report(
        `kube-apiserver restart (${round.signal}): order status right ${statusMs.toFixed(0)} ms and database row right ${rowMs.toFixed(0)} ms after the API server was ready again ` +
          `(${(restart.totalMs + statusMs).toFixed(0)} ms after it was killed); controller watch restarts ${restartsBefore} → ${restartsAfter}`,
      );
      expect(restartsAfter).toBeGreaterThan(restartsBefore);
      expect(controller.alive()).toBe(true);
      await waitFor("the controller to lead again", async () => (await controller.leader()) === 1, 30_000, 200);
      previous = after;
    }
    const backoffs: Record<string, number> = {};
    for (const l of controller.logLines()) if (l.msg === "Watch failed; restarting") backoffs[String(l.retryInMs)] = (backoffs[String(l.retryInMs)] ?? 0) + 1;
    report(`kube-apiserver restarts: the controller's "Watch failed; restarting" lines by retryInMs (ms → count) over both outages: ${JSON.stringify(backoffs)}`);
    const errors = controller.logLines().filter((l) => l.level === "fatal" || l.level === "error");
    expect(errors.map((l) => l.msg)).toEqual([]);

    // The restarted process is the one stop() ends.
    const lastPid = cp.pids.apiserver;
    await controller.stop();
    await webhook?.stop();
    webhook = undefined;
    await cp.stop();
    expect(isProcessAlive(lastPid)).toBe(false);
    expect(fs.existsSync(cp.dir)).toBe(false);
  });
});

async function watchRestarts(c: ControllerProcess): Promise<number> {
  const text = await c.metrics();
  let total = 0;
  for (const line of text.split("\n")) if (line.startsWith("osac_vm_controller_watch_restarts_total{")) total += Number(line.split(" ").at(-1));
  return total;
}
