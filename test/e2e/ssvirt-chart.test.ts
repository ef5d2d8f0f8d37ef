// The chart's SSVirt controller RBAC is enough, and no more: the ServiceAccount, ClusterRole and
// Lease Role that `helm template --set ssvirt.enabled=true` renders are installed on the harness,
// and the real `osac-vm ssvirt controller` runs with a TokenRequest token of that ServiceAccount
// only, configured from the rendered Deployment (its arguments, its environment, SSVirt's URL read
// from the Secret its secretKeyRef names) against a PostgreSQL 15 with SSVirt's schema. Every code
// path that calls the API server runs: the caches sync, the Lease is taken, a VDC's namespace
// objects are applied (and follow a LoadBalancer Service), a VM's status and Events are written, a
// deleted VDC's namespace is kept while it holds a VM, then deleted. What the role does not grant
// is refused (403).
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { startServer, stopServer } from "../db/support/postgres-server.ts";
import { createOrganization, createVApp, createVdc, createVm, softDeleteVdc, type OrgRow, type VdcRow } from "../support/ssvirt-rows.ts";
import "./support/context.ts";
import { applyAll, serviceAccountKubeconfig, serverVersion, statusWith } from "./support/chart-cluster.ts";
import { argsToFlags, ensureHelm, find, plainEnv, render, type KubeDoc } from "./support/chart-helm.ts";
import { startControllerProcess, type ControllerProcess, type ControllerProcessOptions } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, ResourceMapper, uniqueName } from "./support/kube.ts";
import { api, eventsFor, kubevirtVm, setPrintableStatus, startSsvirtDatabase, type SsvirtDatabase } from "./support/ssvirt-env.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const kube = api(admin);
const mapper = new ResourceMapper(admin);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
const RUN = uniqueName("ssvirt-chart");
const RELEASE_NS = `${RUN}-system`;
const FIELD_MANAGER = "osac-vm-ssvirt-chart-e2e";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-ssvirt-chart-"));
const cleanups: (() => Promise<unknown>)[] = [];

let db: SsvirtDatabase;
let controller: ControllerProcess;
/** How the rendered Deployment's container is run here (a replica). */
let replica: ControllerProcessOptions;
let identity: { path: string; kc: k8s.KubeConfig };
let rendered: KubeDoc[];
let organization: OrgRow;
let vdc: VdcRow;

const log = (line: string) => process.stderr.write(`[ssvirt-chart] ${line}\n`);

beforeAll(async () => {
  await ensureHelm();
  db = await startSsvirtDatabase();
  await createNamespace(admin, RELEASE_NS);
  rendered = await render({
    release: RUN,
    namespace: RELEASE_NS,
    kubeVersion: await serverVersion(admin),
    set: { "ssvirt.enabled": true, "ssvirt.database.existingSecret": "ssvirt-database", "ssvirt.database.key": "url", "ssvirt.pollIntervalMs": 250 },
  });
  const ssvirt = rendered.filter((doc) => doc.metadata.labels?.["app.kubernetes.io/component"] === "ssvirt");
  for (const doc of ssvirt.filter((d) => d.kind === "ClusterRole" || d.kind === "ClusterRoleBinding")) {
    const name = doc.metadata.name;
    cleanups.push(() => (doc.kind === "ClusterRole" ? rbac.deleteClusterRole({ name }) : rbac.deleteClusterRoleBinding({ name })).catch(() => undefined));
  }
  await applyAll(admin, mapper, ssvirt.filter((d) => ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].includes(d.kind)), FIELD_MANAGER);

  // SSVirt's URL goes where the operator puts it: a Secret in the release namespace, read back
  // through the rendered Deployment's secretKeyRef.
  const container = find(rendered, "Deployment", "-ssvirt").spec.template.spec.containers[0];
  const { secretKeyRef } = container.env.find((e: KubeDoc) => e.name === "SSVIRT_DATABASE_URL").valueFrom;
  await kube.send("POST", `/api/v1/namespaces/${RELEASE_NS}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name: secretKeyRef.name }, stringData: { [secretKeyRef.key]: db.url } });
  const secret = await kube.get(`/api/v1/namespaces/${RELEASE_NS}/secrets/${secretKeyRef.name}`);
  const databaseUrl = Buffer.from(secret.data[secretKeyRef.key], "base64").toString("utf8");

  identity = await serviceAccountKubeconfig(admin, RELEASE_NS, find(rendered, "ServiceAccount", "-ssvirt").metadata.name, work);
  const flags = argsToFlags(container.args);
  // The harness helper listens on a free loopback port: the rendered --metrics-port is left out.
  const extraArgs = (container.args as string[]).filter((arg) => !arg.startsWith("--metrics-port=") && !arg.startsWith("--leader-election-namespace="));
  const { HOME: _home, ...env } = plainEnv(container);
  replica = {
    kubeconfigPath: identity.path,
    leaseNamespace: String(flags["leader-election-namespace"]),
    identity: `${RUN}-0`,
    command: ["ssvirt", "controller"],
    databaseEnv: "SSVIRT_DATABASE_URL",
    databaseUrl,
    env,
    extraArgs,
  };
  controller = await startControllerProcess(replica);
  cleanups.push(() => controller.stop());
  organization = await createOrganization(db.sql, { name: `Chart ${RUN.slice(-6)}`, description: "chart RBAC" });
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  await deleteNamespaceNoWait(admin, RELEASE_NS);
  if (vdc) await deleteNamespaceNoWait(admin, vdc.namespace);
  await db?.close();
  fs.rmSync(work, { recursive: true, force: true });
}, 120_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    process.stderr.write(`\n----- ssvirt controller log tail -----\n${controller?.log().trimEnd().split("\n").slice(-40).join("\n")}\n`);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const forbiddenLines = () => controller.logLines().filter((line) => /forbidden|\b403\b/i.test(JSON.stringify(line)));

describe("the chart's SSVirt controller RBAC runs the real process (ServiceAccount token only)", () => {
  it("GIVEN only the chart's RBAC THEN the caches sync, the schema is checked (ready) and it holds the Lease osac-vm-ssvirt in the release namespace", async () => {
    await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${controller.metricsPort}/readyz`);
      if (res.status !== 200) throw new Error(`/readyz: ${res.status} ${await res.text()}`);
    }, 60_000, 250);
    await eventually(async () => expect(await controller.metric("osac_vm_ssvirt_leader")).toBe(1), 30_000, 200);
    const lease = await kube.get(`/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/osac-vm-ssvirt`);
    expect(lease.spec.holderIdentity).toBe(controller.identity);
  });

  it("GIVEN a VDC row THEN its Namespace, quota, limits and ingress policy are server-side applied (create + patch), and the policy follows a LoadBalancer Service", async () => {
    vdc = await createVdc(db.sql, organization, { name: "Apps", cpuLimit: 2, cpuUnits: "cores", memoryLimit: 4096 });
    const ns = vdc.namespace;
    const objects = await eventually(async () => {
      const found = await Promise.all([
        kube.get(`/api/v1/namespaces/${ns}`),
        kube.get(`/api/v1/namespaces/${ns}/resourcequotas/vdc-quota`),
        kube.get(`/api/v1/namespaces/${ns}/limitranges/vdc-limits`),
        kube.get(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/vdc-ingress`),
      ]);
      if (found.some((object) => object === undefined)) throw new Error(`not all of ${ns}'s objects exist yet`);
      return found;
    }, 20_000);
    for (const object of objects) expect(object.metadata.managedFields.map((entry: { manager: string }) => entry.manager)).toContain("osac-vm-ssvirt");
    expect(objects[1].spec.hard).toMatchObject({ "requests.cpu": "2", "requests.memory": "4Gi" });

    await kube.send("POST", `/api/v1/namespaces/${ns}/services`, { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 443, targetPort: 8443, protocol: "TCP" }] } });
    await eventually(async () => {
      const policy = await kube.get(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/vdc-ingress`);
      expect(JSON.stringify(policy.spec.ingress)).toContain("8443");
    }, 20_000);
  });

  it("GIVEN a VM of the VDC THEN its status reaches SSVirt's vms row and its Events are recorded in the VDC namespace", async () => {
    const ns = vdc.namespace;
    const vappId = await createVApp(db.sql, vdc.id, "web-app");
    await createVm(db.sql, { vappId, vmName: "web-1", namespace: ns, status: "POWERED_OFF" });
    await kube.send("POST", `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`, kubevirtVm(ns, "web-1", { labels: { "vapp.ssvirt.io/vapp-id": vappId.split(":")[3]! }, cores: 2, memory: "2Gi" }));
    await setPrintableStatus(kube, ns, "web-1", "Running");
    await eventually(async () => expect((await db.sql<{ status: string }>("SELECT status FROM vms WHERE vm_name = 'web-1' AND namespace = $1", [ns]))[0]?.status).toBe("POWERED_ON"), 20_000);
    await eventually(async () => expect((await eventsFor(kube, ns, "web-1")).map((event) => event.message)).toContain("VM status updated to POWERED_ON"), 20_000);
  });

  it("GIVEN the VDC deleted THEN its namespace is kept while it holds the VM (Event in default), then deleted once the VM is gone", async () => {
    const ns = vdc.namespace;
    await softDeleteVdc(db.sql, vdc.id);
    await eventually(async () => expect((await eventsFor(kube, "default", ns)).map((event) => event.reason)).toContain("VdcDeletedNamespaceRetained"), 20_000);
    expect((await kube.get(`/api/v1/namespaces/${ns}`)).metadata.deletionTimestamp).toBeUndefined();
    await kube.send("DELETE", `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/web-1`);
    await eventually(async () => expect((await kube.get(`/api/v1/namespaces/${ns}`))?.metadata.deletionTimestamp).toBeDefined(), 20_000);
    expect((await eventsFor(kube, "default", ns)).map((event) => event.reason)).toContain("VdcNamespaceDeleted");
    expect(forbiddenLines()).toEqual([]);
    expect(await controller.metric('osac_vm_ssvirt_events_total{result="failed"}')).toBeUndefined();
  });

  it("GIVEN the same token THEN what the role does not grant is refused (403): update, delete of quotas, get of VMs, Secrets, writes to KubeVirt VMs and Services, another Lease", async () => {
    const ns = RELEASE_NS;
    const kc = identity.kc;
    expect(await statusWith(kc, "DELETE", `/api/v1/namespaces/${ns}/resourcequotas/any`)).toBe(403);
    expect(await statusWith(kc, "PUT", `/api/v1/namespaces/${ns}`, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } })).toBe(403);
    expect(await statusWith(kc, "GET", `/api/v1/namespaces/${ns}/secrets`)).toBe(403);
    expect(await statusWith(kc, "GET", "/api/v1/secrets")).toBe(403);
    expect(await statusWith(kc, "GET", `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines/any`)).toBe(403);
    expect(await statusWith(kc, "POST", `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`, kubevirtVm(ns, "nope"))).toBe(403);
    expect(await statusWith(kc, "DELETE", `/api/v1/namespaces/${ns}/services/any`)).toBe(403);
    expect(await statusWith(kc, "GET", `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/osac-vm-controller`)).toBe(403);
    expect(await statusWith(kc, "GET", "/apis/cloudkit.openshift.io/v1alpha1/virtualmachines")).toBe(403);
  });

  it("GIVEN a second replica started while SSVirt's database is down THEN its probes answer (live; not ready, saying why), it is ready once the database is back, and it stands by", async () => {
    const port = await freePort();
    const probe = async (probePath: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${probePath}`);
      return { status: response.status, text: await response.text() };
    };
    await stopServer(db.server, "fast");
    const starting = startControllerProcess({ ...replica, identity: `${RUN}-1`, extraArgs: [...(replica.extraArgs ?? []), `--metrics-port=${port}`] });
    cleanups.push(async () => (await starting.catch(() => undefined))?.stop());
    try {
      await eventually(async () => expect(await probe("/readyz")).toEqual({ status: 503, text: "not ready: SSVirt's database schema not checked yet" }), 60_000, 250);
      expect(await probe("/healthz")).toEqual({ status: 200, text: "ok" });
    } finally {
      await startServer(db.server);
    }
    const standby = await starting;
    await eventually(async () => expect((await probe("/readyz")).status).toBe(200), 30_000, 250);
    expect(await standby.metric("osac_vm_ssvirt_leader")).toBe(0);
    expect((await kube.get(`/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/osac-vm-ssvirt`)).spec.holderIdentity).toBe(controller.identity);
  });
});
