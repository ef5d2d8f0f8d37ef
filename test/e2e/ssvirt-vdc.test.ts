// SSVirt's VDCs as namespaces, end to end: `osac-vm ssvirt controller` as a real process against
// the harness's kube-apiserver and a PostgreSQL 15 holding the schema SSVirt's GORM creates (read
// from ../shared at test time). The test writes VDC rows the way SSVirt writes them and checks the
// namespace, quota, limits and policy on the API server; disabling, enabling and deleting; that
// `osac-vm ssvirt render` writes the same objects into Git; and the render mode's guards.
// No controller-manager runs here: a deleted namespace stays Terminating, quotas are not enforced.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import yaml from "js-yaml";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { connectionUrl } from "../db/support/postgres-server.ts";
import { referenceSchemaSql } from "../support/ssvirt-reference.ts";
import { createOrganization, createVApp, createVdc, createVm, softDeleteVdc, updateVdc, type OrgRow } from "../support/ssvirt-rows.ts";
import "./support/context.ts";
import type { ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, eventually } from "./support/kube.ts";
import { api, eventsFor, kubevirtVm, startSsvirtController, startSsvirtDatabase, type SsvirtDatabase } from "./support/ssvirt-env.ts";

const execFileAsync = promisify(execFile);
const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const kube = api(admin);
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");
const MANAGER = "osac-vm-ssvirt";

function report(line: string): void {
  console.log(`[ssvirt-vdc-e2e] ${line}`);
}

let db: SsvirtDatabase;
let controller: ControllerProcess;
let standby: ControllerProcess | undefined;
let leaseNamespace = "";
let organization: OrgRow;
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-ssvirt-tree-"));
const suffix = randomBytes(3).toString("hex");

beforeAll(async () => {
  db = await startSsvirtDatabase();
  leaseNamespace = `ssvirt-lease-${suffix}`;
  await createNamespace(admin, leaseNamespace);
  controller = await startSsvirtController(ctx.kubeconfigPath, { identity: `ssvirt-${suffix}`, leaseNamespace, databaseUrl: db.url });
  organization = await createOrganization(db.sql, { name: `E2E Org ${suffix}`, description: "VDC tests" });
});

afterAll(async () => {
  await standby?.stop();
  await controller?.stop();
  await db?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    process.stderr.write(`\n----- ssvirt controller log tail -----\n${controller.log().trimEnd().split("\n").slice(-40).join("\n")}\n`);
  });
});

const paths = (namespace: string) => ({
  namespace: `/api/v1/namespaces/${namespace}`,
  quota: `/api/v1/namespaces/${namespace}/resourcequotas/vdc-quota`,
  limits: `/api/v1/namespaces/${namespace}/limitranges/vdc-limits`,
  policy: `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies/vdc-ingress`,
});

async function vdcObjectsLive(namespace: string) {
  const p = paths(namespace);
  const [ns, quota, limits, policy] = await Promise.all([kube.get(p.namespace), kube.get(p.quota), kube.get(p.limits), kube.get(p.policy)]);
  if (!ns || !quota || !limits || !policy) throw new Error(`not all of ${namespace}'s objects exist yet`);
  return { ns, quota, limits, policy };
}

const DEFAULTS = { configmaps: "50", persistentvolumeclaims: "20", pods: "50", secrets: "50", services: "10" };

async function render(databaseUrl = db.url, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, "ssvirt", "render", "--out", outDir, ...extra], { cwd: REPO_ROOT, env: { ...process.env, SSVIRT_DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

function renderedObjects(namespace: string): any[] {
  return yaml.loadAll(fs.readFileSync(path.join(outDir, namespace, "_vdc.yaml"), "utf8")) as any[];
}

describe("SSVirt VDC namespaces (controller mode, PostgreSQL 15 with SSVirt's schema)", () => {
  it("GIVEN VDC rows inserted as SSVirt inserts them THEN each gets its namespace, labels, quota by CPU unit, limits and ingress policy, applied by osac-vm-ssvirt", async () => {
    const t0 = performance.now();
    const prod = await createVdc(db.sql, organization, { name: "Prod", description: "production", cpuLimit: 4, cpuUnits: "cores", memoryLimit: 8192 });
    const lab = await createVdc(db.sql, organization, { name: "Lab", cpuLimit: 1500, cpuUnits: "millicores" });
    const legacy = await createVdc(db.sql, organization, { name: "Legacy", cpuLimit: 2000 });
    expect(prod.namespace).toBe(`vdc-e2eorg${suffix}-prod`);
    const live = await eventually(() => vdcObjectsLive(prod.namespace), 20_000);
    report(`VDC row → namespace objects present: ${(performance.now() - t0).toFixed(0)} ms (poll 1000 ms)`);
    const orgUuid = organization.id.split(":")[3];
    const vdcUuid = prod.id.split(":")[3];
    expect(live.ns.metadata.labels).toMatchObject({
      "ssvirt.io/organization": `E2E-Org-${suffix}`,
      "ssvirt.io/organization-id": orgUuid,
      "ssvirt.io/vdc": "Prod",
      "ssvirt.io/vdc-id": vdcUuid,
      "app.kubernetes.io/managed-by": "ssvirt",
      "app.kubernetes.io/component": "vdc",
    });
    expect(live.ns.metadata.annotations).toMatchObject({
      "ssvirt.io/organization-display-name": `E2E Org ${suffix}`,
      "ssvirt.io/organization-description": "VDC tests",
      "ssvirt.io/organization-urn": organization.id,
      "ssvirt.io/vdc-description": "production",
      "ssvirt.io/vdc-urn": prod.id,
      "ssvirt.io/created-by": "osac-vm-gitops",
    });
    expect(live.quota.spec.hard).toEqual({ ...DEFAULTS, "requests.cpu": "4", "limits.cpu": "4", "requests.memory": "8Gi", "limits.memory": "8Gi" });
    expect(live.limits.spec.limits).toEqual([{ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "1", memory: "1Gi" } }]);
    expect(live.policy.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] });
    for (const object of Object.values(live)) expect(object.metadata.managedFields.map((entry: { manager: string }) => entry.manager)).toContain(MANAGER);
    const labLive = await eventually(() => vdcObjectsLive(lab.namespace), 20_000);
    expect(labLive.quota.spec.hard).toEqual({ ...DEFAULTS, "requests.cpu": "1500m", "limits.cpu": "1500m" });
    expect(labLive.limits.spec.limits).toEqual([{ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "1" } }]);
    const legacyLive = await eventually(() => vdcObjectsLive(legacy.namespace), 20_000);
    expect(legacyLive.quota.spec.hard).toEqual(DEFAULTS);
    expect(legacyLive.limits.spec.limits).toEqual([{ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" } }]);
    expect(controller.log()).toMatch(/no CPU quota \(units other than cores and millicores/);
  });

  it("GIVEN the same rows THEN osac-vm ssvirt render writes exactly what the cluster holds, and a second render changes nothing", async () => {
    const first = await render();
    expect(first.code, first.stderr).toBe(0);
    const namespace = `vdc-e2eorg${suffix}-prod`;
    const rendered = renderedObjects(namespace);
    const live = await vdcObjectsLive(namespace);
    expect(rendered.map((object) => object.kind)).toEqual(["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy"]);
    for (const [object, liveObject] of [
      [rendered[0], live.ns],
      [rendered[1], live.quota],
      [rendered[2], live.limits],
      [rendered[3], live.policy],
    ]) {
      expect(liveObject.metadata.labels).toMatchObject(object.metadata.labels);
      expect(liveObject.metadata.annotations).toMatchObject(object.metadata.annotations);
      if (object.spec) expect(liveObject.spec).toEqual(object.spec);
    }
    const check = await render(db.url, ["--check"]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/file\(s\) up to date/);
  });

  it("GIVEN a LoadBalancer Service in the VDC namespace THEN the policy admits its target ports, and closes them again when it goes", async () => {
    const namespace = `vdc-e2eorg${suffix}-prod`;
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web-lb", namespace },
      spec: {
        type: "LoadBalancer",
        selector: { app: "web" },
        ports: [
          { name: "ssh", port: 22, targetPort: 22, protocol: "TCP" },
          { name: "http", port: 80, targetPort: 8080, protocol: "TCP" },
          { name: "dns", port: 53, protocol: "UDP" },
        ],
      },
    };
    const t0 = performance.now();
    await kube.send("POST", `/api/v1/namespaces/${namespace}/services`, service);
    await eventually(async () => {
      const policy = await kube.get(paths(namespace).policy);
      expect(policy.spec.ingress).toEqual([
        { from: [{ podSelector: {} }] },
        {
          ports: [
            { protocol: "TCP", port: 22 },
            { protocol: "TCP", port: 8080 },
            { protocol: "UDP", port: 53 },
          ],
        },
      ]);
    }, 15_000);
    report(`LoadBalancer Service → NetworkPolicy ports: ${(performance.now() - t0).toFixed(0)} ms`);
    await kube.send("DELETE", `/api/v1/namespaces/${namespace}/services/web-lb`);
    await eventually(async () => expect((await kube.get(paths(namespace).policy)).spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]), 15_000);
  });

  it("GIVEN a VDC disabled in SSVirt THEN its quota allows no new VirtualMachine (the rest unchanged); enabled again THEN that line goes", async () => {
    const [row] = await db.sql<{ id: string; namespace: string }>("SELECT id, namespace FROM vdcs WHERE name = 'Prod' AND organization_id = $1", [organization.id]);
    const t0 = performance.now();
    await updateVdc(db.sql, row!.id, { is_enabled: false });
    await eventually(async () => expect((await kube.get(paths(row!.namespace).quota)).spec.hard).toEqual({ ...DEFAULTS, "count/virtualmachines.kubevirt.io": "0", "requests.cpu": "4", "limits.cpu": "4", "requests.memory": "8Gi", "limits.memory": "8Gi" }), 15_000);
    report(`disable → quota closed: ${(performance.now() - t0).toFixed(0)} ms`);
    expect((await kube.get(paths(row!.namespace).namespace)).metadata.deletionTimestamp).toBeUndefined();
    await updateVdc(db.sql, row!.id, { is_enabled: true });
    await eventually(async () => expect(Object.keys((await kube.get(paths(row!.namespace).quota)).spec.hard)).not.toContain("count/virtualmachines.kubevirt.io"), 15_000);
  });

  it("GIVEN a deleted VDC whose namespace holds a VM THEN the namespace stays, closed and reported (Event, log, metric, render); once the VM is gone THEN the namespace is deleted", async () => {
    const [row] = await db.sql<{ id: string; namespace: string }>("SELECT id, namespace FROM vdcs WHERE name = 'Lab' AND organization_id = $1", [organization.id]);
    const namespace = row!.namespace;
    await kube.send("POST", `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`, kubevirtVm(namespace, "keeper"));
    const vappId = await createVApp(db.sql, row!.id, "keeper-app", "DEPLOYED");
    await createVm(db.sql, { vappId, vmName: "keeper", namespace, status: "POWERED_ON" });
    await softDeleteVdc(db.sql, row!.id);
    await eventually(async () => {
      const events = await eventsFor(kube, "default", namespace);
      expect(events.find((event) => event.reason === "VdcDeletedNamespaceRetained")?.message).toMatch(/still holds 1 VM\(s\): keeper/);
    }, 20_000);
    expect((await kube.get(paths(namespace).quota)).spec.hard["count/virtualmachines.kubevirt.io"]).toBe("0");
    expect((await kube.get(paths(namespace).namespace)).metadata.deletionTimestamp).toBeUndefined();
    await eventually(async () => expect(await controller.metric('osac_vm_ssvirt_vdc_namespaces{state="retained"}')).toBe(1), 5_000);
    await eventually(async () => expect(controller.log()).toMatch(/Kept the namespace of a deleted VDC: it still holds VMs/), 5_000);
    const kept = await render();
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toMatch(new RegExp(`kept: namespace ${namespace} of deleted VDC ${row!.id} \\("Lab"\\) still holds 1 VM\\(s\\): keeper`));
    expect(renderedObjects(namespace)[1].spec.hard["count/virtualmachines.kubevirt.io"]).toBe("0");

    const t0 = performance.now();
    await kube.send("DELETE", `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines/keeper`);
    await eventually(async () => expect((await kube.get(paths(namespace).namespace)).metadata.deletionTimestamp).toBeDefined(), 20_000);
    report(`last VM of a deleted VDC gone → namespace deleted: ${(performance.now() - t0).toFixed(0)} ms`);
    expect((await eventsFor(kube, "default", namespace)).map((event) => event.reason)).toContain("VdcNamespaceDeleted");
    expect(await controller.metric("osac_vm_ssvirt_vdc_namespace_deletions_total")).toBeGreaterThanOrEqual(1);
    // The status sync marked the VM's row DELETED, so the render drops the file too.
    await eventually(async () => expect((await db.sql<{ status: string }>("SELECT status FROM vms WHERE vm_name = 'keeper' AND namespace = $1", [namespace]))[0]?.status).toBe("DELETED"), 15_000);
    const removed = await render();
    expect(removed.stderr).toMatch(/1 removed/);
    expect(fs.existsSync(path.join(outDir, namespace, "_vdc.yaml"))).toBe(false);
  });

  it("GIVEN a deleted VDC whose namespace holds nothing THEN the namespace is deleted", async () => {
    const [row] = await db.sql<{ id: string; namespace: string }>("SELECT id, namespace FROM vdcs WHERE name = 'Legacy' AND organization_id = $1", [organization.id]);
    await softDeleteVdc(db.sql, row!.id);
    await eventually(async () => expect((await kube.get(paths(row!.namespace).namespace)).metadata.deletionTimestamp).toBeDefined(), 20_000);
  });

  it("GIVEN a VDC row without a namespace THEN it is reported and nothing is made for it", async () => {
    await db.sql("INSERT INTO vdcs (id, name, organization_id, allocation_model, created_at, updated_at) VALUES ($1, 'Broken', $2, 'Flex', now(), now())", [`urn:vcloud:vdc:broken-${suffix}`, organization.id]);
    await eventually(async () => {
      expect(await controller.metric("osac_vm_ssvirt_vdc_problems")).toBe(1);
      expect(controller.log()).toMatch(/Left a VDC row alone: it cannot be acted on/);
    }, 15_000);
    const rendered = await render();
    expect(rendered.stderr).toMatch(/problem: VDC urn:vcloud:vdc:broken-[0-9a-f]+ \("Broken"\) has no namespace/);
  });

  it("GIVEN a database with no VDC row at all THEN render keeps every file and says so (an empty or wrong database never empties the tree)", async () => {
    const before = fs.readdirSync(outDir).filter((entry) => fs.existsSync(path.join(outDir, entry, "_vdc.yaml")));
    expect(before.length).toBeGreaterThan(0);
    const admin = new pg.Client({ connectionString: connectionUrl(db.server) });
    await admin.connect();
    await admin.query(`CREATE DATABASE empty_${suffix}`);
    await admin.end();
    const empty = new pg.Client({ connectionString: connectionUrl(db.server, `empty_${suffix}`) });
    await empty.connect();
    await empty.query(referenceSchemaSql());
    await empty.end();
    const result = await render(connectionUrl(db.server, `empty_${suffix}`));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/0 written, 0 removed/);
    for (const namespace of before) expect(result.stderr).toContain(`kept: ${namespace}/_vdc.yaml: no VDC row`);
  });
  it("GIVEN a second replica THEN only the Lease holder acts; WHEN the leader stops THEN the other takes over and applies new VDCs", async () => {
    standby = await startSsvirtController(ctx.kubeconfigPath, { identity: `ssvirt-standby-${suffix}`, leaseNamespace, databaseUrl: db.url });
    await eventually(async () => {
      expect(await controller.metric("osac_vm_ssvirt_leader")).toBe(1);
      expect(await standby!.metric("osac_vm_ssvirt_leader")).toBe(0);
    }, 10_000);
    expect(await standby.metric('osac_vm_ssvirt_vdc_polls_total{result="changed"}')).toBeUndefined();
    const t0 = performance.now();
    await controller.stop();
    await eventually(async () => expect(await standby!.metric("osac_vm_ssvirt_leader")).toBe(1), 20_000);
    report(`leader stopped → the other replica leads: ${(performance.now() - t0).toFixed(0)} ms`);
    const later = await createVdc(db.sql, organization, { name: "After Handover" });
    await eventually(() => vdcObjectsLive(later.namespace), 20_000);
  });
});
