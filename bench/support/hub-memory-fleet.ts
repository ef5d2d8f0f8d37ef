/**
 * The clusters and the fleet of bench:hub-memory: control planes from the harness (one etcd +
 * kube-apiserver each), hubs registered with the real `osac-vm hubs add`, and `managed-by: gitops`
 * orders whose children are created where Argo CD would have applied them (the management cluster
 * in single-cluster mode, the order's hub otherwise), with KubeVirt's and CDI's part played by
 * writing the VM's and the DataVolume's status the way they do.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import yaml from "js-yaml";
import { REPO_ROOT, startControlPlane, type ControlPlane } from "../../scripts/cluster/harness.ts";
import { Annotations } from "../../src/api/well-known.ts";
import { KubeRestClient } from "../../src/platform/kube/rest-client.ts";
import { onCleanup, PROJECT } from "./controller-env.ts";
import { benchOrder, childrenOf, collectionPath, orderDocument, ORDER_API, orderNamespaces, pool, tenantNamespaceObject, TENANTS, type BenchOrder } from "./controller-orders.ts";

export const KUBEVIRT_MANAGER = "kubevirt-bench";

export interface Plane {
  readonly name: string;
  readonly cp: ControlPlane;
  readonly rest: KubeRestClient;
  /** Stops the control plane now (also registered for the bench's clean-up). */
  readonly stop: () => Promise<void>;
}

/** A management cluster (every CRD of the project) or a hub (the KubeVirt and CDI CRDs only). */
export async function startPlane(name: string, role: "management" | "hub", log: (line: string) => void): Promise<Plane> {
  const cp = await startControlPlane({
    log: (line) => log(`${name}: ${line}`),
    restrictedUserNames: [],
    ...(role === "hub" ? { crdDirs: [join(REPO_ROOT, "crds/upstream-subset")], defaultStorageClass: false as const } : {}),
  });
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const rest = new KubeRestClient(kc, 60_000);
  const stop = onCleanup(
    `control plane ${name}`,
    async () => {
      rest.close();
      await cp.stop();
    },
    () => {}, // the harness kills its process groups on exit itself (and its watchdog if we are SIGKILLed)
  );
  return { name, cp, rest, stop };
}

/** The hub's kubeconfig as a Hub's Secret holds it: the hub's server, CA and admin token only. */
function hubKubeconfig(cp: ControlPlane): string {
  return yaml.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "hub", cluster: { server: cp.server, "certificate-authority-data": readFileSync(cp.caPath).toString("base64") } }],
    users: [{ name: "controller", user: { token: cp.adminToken } }],
    contexts: [{ name: "hub", context: { cluster: "hub", user: "controller" } }],
    "current-context": "hub",
  });
}

/** `osac-vm hubs add <hub> --hub-kubeconfig -` on the management cluster (the kubeconfig on stdin, never in a file or argument). */
export function registerHub(management: Plane, hub: Plane, secretsNamespace: string): void {
  const run = spawnSync(process.execPath, [join(PROJECT, "bin/osac-vm.js"), "hubs", "add", hub.name, "--hub-kubeconfig", "-", "--secrets-namespace", secretsNamespace], {
    cwd: PROJECT,
    input: hubKubeconfig(hub.cp),
    encoding: "utf8",
    env: { ...process.env, KUBECONFIG: management.cp.kubeconfigPath, NODE_OPTIONS: "" },
  });
  if (run.status !== 0) throw new Error(`osac-vm hubs add ${hub.name} failed (${run.status ?? run.signal}): ${run.stderr.trim()}`);
}

export async function createNamespace(plane: Plane, name: string): Promise<void> {
  await plane.rest.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
}

export interface FleetOptions {
  readonly management: Plane;
  /** Empty: single-cluster mode (children on the management cluster). Else order i goes to hub i mod hubs. */
  readonly hubs: readonly Plane[];
  readonly orders: number;
  /** Orders in flight at a time (an order, then its children in parallel, then their status). */
  readonly concurrency: number;
  /** Order namespace prefix (distinct per management cluster). */
  readonly prefix: string;
  readonly log: (line: string) => void;
}

/** The orders' namespaces on the management cluster and their tenant namespaces where their children go. */
export async function createNamespaces(options: FleetOptions): Promise<void> {
  for (const namespace of orderNamespaces(options.prefix)) await createNamespace(options.management, namespace);
  const tenants = Array.from({ length: TENANTS }, (_, index) => tenantNamespaceObject(benchOrder(options.prefix, index)));
  for (const plane of options.hubs.length > 0 ? options.hubs : [options.management]) {
    for (const tenant of tenants) await plane.rest.request("POST", "/api/v1/namespaces", { body: tenant });
  }
}

/** Creates every order and its 5 children, and plays CDI (DataVolume Succeeded) and KubeVirt (VM Running, Ready). Returns the objects created. */
export async function createFleet(options: FleetOptions): Promise<{ objects: number; ms: number }> {
  const orders = Array.from({ length: options.orders }, (_, index) => benchOrder(options.prefix, index));
  const t0 = performance.now();
  let objects = 0;
  let lastReport = t0;
  await pool(orders, options.concurrency, async (order) => {
    const hub = options.hubs.length > 0 ? options.hubs[order.index % options.hubs.length]! : undefined;
    const document = orderDocument(order, "gitops");
    const metadata = document.metadata as { annotations?: Record<string, string> };
    if (hub) metadata.annotations = { ...metadata.annotations, [Annotations.hub]: hub.name };
    await options.management.rest.request("POST", `${ORDER_API}/namespaces/${order.namespace}/virtualmachines`, { body: document, discardBody: true });
    const children = childrenOf(document, true);
    const target = hub ?? options.management;
    await Promise.all(children.map((child) => target.rest.request("POST", collectionPath(child), { body: child, discardBody: true })));
    await playKubeVirt(target, order);
    objects += 1 + children.length;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      options.log(`${objects} objects created (${((1000 * objects) / (lastReport - t0)).toFixed(0)}/s)`);
    }
  });
  return { objects, ms: performance.now() - t0 };
}

/** What CDI and KubeVirt write once the root disk is imported and the VM runs (test/e2e/hubs-status.test.ts does the same). */
async function playKubeVirt(plane: Plane, order: BenchOrder): Promise<void> {
  const merge = "application/merge-patch+json";
  const query = `?fieldManager=${KUBEVIRT_MANAGER}`;
  const [, , rootDisk, virtualMachine] = order.childKeys.map((key) => key.slice(key.indexOf("/") + 1));
  await Promise.all([
    plane.rest.request("PATCH", `/apis/cdi.kubevirt.io/v1beta1/namespaces/${order.tenantNamespace}/datavolumes/${rootDisk}/status${query}`, {
      body: { status: { phase: "Succeeded", progress: "100.0%" } },
      contentType: merge,
      discardBody: true,
    }),
    plane.rest.request("PATCH", `/apis/kubevirt.io/v1/namespaces/${order.tenantNamespace}/virtualmachines/${virtualMachine}/status${query}`, {
      body: { status: { printableStatus: "Running", ready: true, created: true, conditions: [{ type: "Ready", status: "True", reason: "", message: "" }] } },
      contentType: merge,
      discardBody: true,
    }),
  ]);
}

export interface OrderTally {
  readonly phases: Record<string, number>;
  /** HubReachable condition `status/reason` (none: single-cluster orders). */
  readonly hubReachable: Record<string, number>;
}

/** Every order's phase and HubReachable condition, counted (a check that the controller converged as expected). */
export async function tallyOrders(management: Plane): Promise<OrderTally> {
  const phases: Record<string, number> = {};
  const hubReachable: Record<string, number> = {};
  let continueToken: string | undefined;
  do {
    const page = await management.rest.request<{ items: { status?: { phase?: string; conditions?: { type: string; status: string; reason: string }[] } }[]; metadata: { continue?: string } }>(
      "GET",
      `${ORDER_API}/virtualmachines?limit=500${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ""}`,
    );
    for (const item of page.body.items) {
      const phase = item.status?.phase ?? "(none)";
      phases[phase] = (phases[phase] ?? 0) + 1;
      const condition = item.status?.conditions?.find((c) => c.type === "HubReachable");
      const key = condition ? `${condition.status}/${condition.reason}` : "(none)";
      hubReachable[key] = (hubReachable[key] ?? 0) + 1;
    }
    continueToken = page.body.metadata.continue || undefined;
  } while (continueToken);
  return { phases, hubReachable };
}
