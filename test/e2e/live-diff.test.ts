// `osac-vm diff --live` and `osac-vm explain` as real processes against the real API server:
// an AAP-era fleet created exactly as the role does (aap-parity objects, server-side applied under
// the role's field manager, with KubeVirt's defaults, statuses and a VMI per running VM), some of
// it drifted; then controller and gitops orders with the real controller and PostgreSQL.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { KubeRestClient, objectPath } from "../../src/platform/kube/rest-client.ts";
import { connectionUrl, createPostgresServer, destroyServerSync, type PostgresServerInfo } from "../db/support/postgres-server.ts";
import { createRoleOrder, inParallel, type RoleOrder } from "../support/role-fleet.ts";
import "./support/context.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, uniqueName } from "./support/kube.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");
const TENANT = "diff-tenant";
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnV0rEmQyqZbnwtvYpVqN7eR8ts0x8vPa1bJmW7dXbM ops@example.com";
const MERGE = "application/merge-patch+json";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a process with the test's kubeconfig and no DATABASE_URL unless given. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: ctx.kubeconfigPath, NO_COLOR: "1", ...env };
  if (!("DATABASE_URL" in env)) delete base.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: base, maxBuffer: 64 * 1024 * 1024, timeout: 110_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function json<T = any>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch (error) {
    throw new Error(`output is not JSON (exit ${run.code}): ${run.stdout.slice(0, 500)}\nstderr: ${run.stderr.slice(0, 2000)}`, { cause: error });
  }
}

const rest = new KubeRestClient(admin, 30_000);
const namespaces: string[] = [];

afterAll(async () => {
  for (const namespace of namespaces) await deleteNamespaceNoWait(admin, namespace);
  rest.close();
});

describe("osac-vm diff --live on an AAP-era fleet", () => {
  const ns = uniqueName("e2e-diff");
  const tenantNs = tenantNamespace(ns, TENANT);
  const base = { storage_class: "standard" };
  const FLEET: RoleOrder[] = [
    { name: "vm-c0", parameters: { ...base }, running: true, labels: { batch: "clean" } },
    { name: "vm-c1", parameters: { ...base, ssh_public_key: SSH_KEY, cpu_cores: "4", memory: "4096Mi" }, running: true, labels: { batch: "clean" } },
    { name: "vm-c2", parameters: { ...base, exposed_ports: "22/tcp,80/tcp,53/udp" }, running: true, labels: { batch: "clean" } },
    { name: "vm-c3", parameters: { ...base, disk_size: "20Gi" }, running: false, labels: { batch: "clean" } },
    { name: "vm-d1", parameters: { ...base }, running: true, labels: { batch: "drift" } },
    { name: "vm-d2", parameters: { ...base }, running: true, labels: { batch: "drift" } },
    // The order was changed after the role last ran: 2 → 4 cores on a running VM.
    { name: "vm-d3", parameters: { ...base, cpu_cores: "4" }, madeFrom: { ...base, cpu_cores: "2" }, running: true, labels: { batch: "drift" } },
  ];

  beforeAll(async () => {
    await createNamespace(admin, ns);
    await createNamespace(admin, tenantNs);
    namespaces.push(ns, tenantNs);
    await inParallel(FLEET, 4, async (order) => {
      await createRoleOrder(rest, ns, TENANT, order);
    });
    // Hand edits, as `kubectl edit` would make them.
    await rest.request("PATCH", `${objectPath("kubevirt.io/v1", "VirtualMachine", tenantNs, "vm-d1")}?fieldManager=kubectl-edit`, {
      body: { metadata: { labels: { team: "blue" } } },
      contentType: MERGE,
    });
    await rest.request("PATCH", `${objectPath("v1", "Service", tenantNs, "vm-d2-load-balancer")}?fieldManager=kubectl-edit`, {
      body: { spec: { ports: [{ name: "tcp-22", port: 2222, targetPort: 22, protocol: "TCP" }] } },
      contentType: MERGE,
    });
  });

  it("lists exactly the drifted orders, exits 1 and flags the restart (JSON)", async () => {
    const run = await cli(["diff", "--live", "-n", ns, "-o", "json"]);
    expect(run.code, run.stderr).toBe(1);
    const report = json(run);
    const differing = report.orders.filter((order: any) => !order.identical);
    expect(differing.map((order: any) => order.name)).toEqual(["vm-d1", "vm-d2", "vm-d3"]);
    const fields = (name: string) =>
      differing
        .find((order: any) => order.name === name)
        .objects.flatMap((object: any) => object.differences.map((d: any) => `${object.kind} ${d.field} ${d.cause} ${JSON.stringify(d.live)}→${JSON.stringify(d.rendered)}`));
    expect(fields("vm-d1")).toEqual(['VirtualMachine metadata.labels.team hand edit "blue"→undefined']);
    expect(fields("vm-d2")).toEqual(["Service spec.ports[0].port hand edit 2222→22"]);
    expect(fields("vm-d3")).toEqual(["VirtualMachine spec.template.spec.domain.cpu.cores parameter change 2→4"]);
    const restarts = report.orders.filter((order: any) => order.restart?.restartRequired).map((order: any) => order.name);
    expect(restarts).toEqual(["vm-d3"]);
    expect(differing[2].restart).toMatchObject({ running: true, evidence: "VMI vm-d3 (phase Running)", changes: [{ path: "spec.template.spec.domain.cpu.cores", restarts: true, rule: "not live-updatable" }] });
    expect(report.orders.find((order: any) => order.name === "vm-c3").restart).toMatchObject({ running: false, restartRequired: false });
    expect(report.rolloutStrategy).toEqual({ strategy: "Stage", source: "the cluster serves no KubeVirt API: assumed Stage (predicts the most restarts)" });
    expect(report.summary).toMatchObject({ orders: 7, identical: 4, differing: 3, invalid: 0, restarts: 1, objects: { differing: 3, missing: 0, extra: 0 } });
    expect(report.summary.causes.map((row: any) => `${row.cause}|${row.kind}|${row.field}|${row.orders}`)).toEqual([
      "hand edit|Service|spec.ports[*].port|1",
      "hand edit|VirtualMachine|metadata.labels.team|1",
      "parameter change|VirtualMachine|spec.template.spec.domain.cpu.cores|1",
    ]);
    // One paged LIST per kind, and one GET for the namespace check: never a GET per object.
    const requests = Object.fromEntries(report.requests.byResource.map((r: any) => [`${r.verb} ${r.resource}`, r.count]));
    expect(requests).toEqual({
      "GET namespaces": 1,
      "LIST virtualmachines": 2,
      "LIST secrets": 1,
      "LIST datavolumes": 1,
      "LIST services": 1,
      "LIST virtualmachineinstances": 1,
      "LIST kubevirts": 1,
    });
  });

  it("prints a kubectl-style unified diff per object, the restart and the summary (text)", async () => {
    const run = await cli(["diff", "--live", "--namespace", ns]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(`--- live/kubevirt.io/v1/VirtualMachine/${tenantNs}/vm-d1\n+++ rendered(aap-parity)/kubevirt.io/v1/VirtualMachine/${tenantNs}/vm-d1\n@@`);
    expect(run.stdout).toMatch(/^-    team: blue$/m);
    expect(run.stdout).toMatch(/^ {5}- name: tcp-22\n-      port: 2222\n\+      port: 22$/m);
    expect(run.stdout).toMatch(/^-          cores: 2\n\+          cores: 4$/m);
    expect(run.stdout).toContain(`! adoption would restart this VM: VirtualMachine ${tenantNs}/vm-d3 is running (VMI vm-d3 (phase Running)), rollout strategy Stage: spec.template.spec.domain.cpu.cores (not live-updatable)`);
    expect(run.stdout).toContain("orders:    7 selected, 4 identical, 3 differing");
    expect(run.stdout).toMatch(/^parameter change\s+VirtualMachine\s+spec\.template\.spec\.domain\.cpu\.cores\s+1\s+1$/m);
    expect(run.stdout).not.toContain("vm-c0");
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("exits 0 for an identical fleet (label selector), and selects orders by name", async () => {
    const clean = await cli(["diff", "--live", "-n", ns, "-l", "batch=clean", "-o", "json"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(json(clean).summary).toMatchObject({ orders: 4, identical: 4, differing: 0 });
    const one = await cli(["diff", "--live", "-n", ns, "vm-d2", "-o", "json"]);
    expect(one.code, one.stderr).toBe(1);
    expect(json(one).orders.map((order: any) => order.name)).toEqual(["vm-d2"]);
    const everywhere = await cli(["diff", "--live", "-A", "-l", "batch=clean", "--rollout-strategy", "LiveUpdate", "-o", "json"]);
    expect(everywhere.code, everywhere.stderr).toBe(0);
    expect(json(everywhere).rolloutStrategy).toEqual({ strategy: "LiveUpdate", source: "--rollout-strategy" });
  });

  it("exits 2 on usage errors, naming each", async () => {
    const badSelector = await cli(["diff", "--live", "-n", ns, "-l", "batch in (clean"]);
    expect(badSelector.code).toBe(2);
    expect(badSelector.stderr).toContain("BadSelector: --selector 'batch in (clean' is not a valid label selector");
    const unknownNamespace = await cli(["diff", "--live", "-n", `${ns}-nope`]);
    expect(unknownNamespace.code).toBe(2);
    expect(unknownNamespace.stderr).toContain(`UnknownNamespace: namespace '${ns}-nope' does not exist`);
    const notFound = await cli(["diff", "--live", "-n", ns, "vm-nope"]);
    expect(notFound.code).toBe(2);
    expect(notFound.stderr).toContain(`NotFound: no VirtualMachine order named 'vm-nope' in namespace ${ns}`);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-diff-"));
    try {
      const unreachable = path.join(directory, "kubeconfig");
      fs.writeFileSync(unreachable, fs.readFileSync(ctx.kubeconfigPath, "utf8").replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:1"));
      const noAccess = await cli(["diff", "--live", "-n", ns], { KUBECONFIG: unreachable });
      expect(noAccess.code).toBe(2);
      expect(noAccess.stderr).toContain("NoClusterAccess: cannot reach the API server");
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
    const noLive = await cli(["diff", "-n", ns]);
    expect(noLive.code).toBe(2);
    expect(noLive.stderr).toContain("add --live");
  });
});

describe("explain and diff on controller and gitops orders (real controller, PostgreSQL)", () => {
  const ns = uniqueName("e2e-explain");
  const tenantNs = tenantNamespace(ns, TENANT);
  const leaseNs = uniqueName("e2e-explain-lease");
  const SHA = "0123456789abcdef0123456789abcdef01234567";
  const CLOUD_INIT = Buffer.from("#cloud-config\npassword: hunter2-not-for-print\n").toString("base64");
  let pg: PostgresServerInfo | undefined;
  let databaseUrl = "";
  let controller: Awaited<ReturnType<typeof import("./support/controller-process.ts").startControllerProcess>> | undefined;

  beforeAll(async () => {
    await createNamespace(admin, ns);
    await createNamespace(admin, leaseNs);
    await createNamespace(admin, tenantNs);
    namespaces.push(ns, leaseNs, tenantNs);
    pg = await createPostgresServer();
    databaseUrl = connectionUrl(pg);
    const { startControllerProcess } = await import("./support/controller-process.ts");
    controller = await startControllerProcess({ kubeconfigPath: ctx.kubeconfigPath, leaseNamespace: leaseNs, identity: "explain-a", databaseUrl, logLevel: "info" });
    const { createAdoptedOrders } = await import("./support/adopted-orders.ts");
    await createAdoptedOrders(rest, { namespace: ns, tenant: TENANT, sha: SHA, cloudInit: CLOUD_INIT, sshKey: SSH_KEY, databaseUrl });
  });

  afterAll(async () => {
    await rest.request("DELETE", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines`).catch(() => {});
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const list = await rest.request<{ items: unknown[] }>("GET", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines`).catch(() => undefined);
      if ((list?.body.items.length ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await controller?.stop();
    if (pg) destroyServerSync(pg);
  });

  it("diff --live finds both adopted orders identical to the gitops profile", async () => {
    const run = await cli(["diff", "--live", "-n", ns, "-o", "json"]);
    expect(run.code, `${run.stdout.slice(0, 3000)}\n${run.stderr}`).toBe(0);
    const report = json(run);
    expect(report.orders.map((order: any) => [order.name, order.managedBy, order.profile, order.identical])).toEqual([
      ["vm-ctl", "controller", "gitops", true],
      ["vm-git", "gitops", "gitops", true],
    ]);
    expect(run.stdout).not.toContain(CLOUD_INIT);
    expect(run.stdout).not.toContain("hunter2");
  });

  it("explain shows every section of a controller order, with its history from the database", async () => {
    const run = await cli(["explain", `${ns}/vm-ctl`], { DATABASE_URL: databaseUrl });
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout;
    for (const heading of ["Managed by", "Storage class", "Parameters (after defaults)", "Children (live against rendered)", "Conditions", "History (PostgreSQL 127.0.0.1:", "Last commit"]) {
      expect(text).toContain(`\n${heading}`);
    }
    expect(text).toContain(`Order ${ns}/vm-ctl`);
    expect(text).toMatch(/controller: set explicitly: the policy \(the webhook's defaults \(no OSAC_VM_MANAGED_BY_\* set here\)\) would give aap/);
    expect(text).toMatch(/cpu_cores\s+3\s+order/);
    expect(text).toMatch(/memory\s+2Gi\s+template default \(the role's\)/);
    expect(text).toMatch(/cloud_init_config\s+<redacted, \d+ chars>\s+order/);
    expect(text).toContain("standard: the order's storage_class parameter; live DataVolume: standard");
    expect(text).toMatch(/VirtualMachine\s+vm-ctl\s+identical\s+[0-9a-f]{16} \(current\)/);
    expect(text).toMatch(/Accepted\s+True/);
    expect(text).toMatch(/\d{4}-\d\d-\d\dT[\d:.]+Z\s+READY\s+POWERED_ON/);
    expect(text).toContain("not a gitops order (managed-by controller)");
    expect(text).not.toContain(CLOUD_INIT);
    expect(text).not.toContain("hunter2");
  });

  it("explain -n on a gitops order shows its last commit; -o json parses", async () => {
    const run = await cli(["explain", "-n", ns, "vm-git", "-o", "json"], { DATABASE_URL: databaseUrl, OSAC_VM_MANAGED_BY_ROLLOUT: "gitops:100" });
    expect(run.code, run.stderr).toBe(0);
    const explanation = json(run);
    expect(explanation.managedBy).toMatchObject({ value: "gitops", annotated: true, policyMode: "gitops" });
    expect(explanation.managedBy.reason).toMatch(/^the rollout policy \(OSAC_VM_MANAGED_BY_DEFAULT \/ OSAC_VM_MANAGED_BY_ROLLOUT\): bucket \d+ \(of uuid [0-9a-f-]+\) < 100 % → gitops$/);
    expect(explanation.lastCommit).toMatchObject({ applies: true, commit: { sha: SHA, current: true }, note: "holds the order's current configuration" });
    expect(explanation.children.map((child: any) => [child.kind, child.state])).toEqual([
      ["Secret", "identical"],
      ["DataVolume", "identical"],
      ["VirtualMachine", "identical"],
      ["Service", "identical"],
    ]);
    expect(explanation.database).toMatchObject({ available: true, state: { state: "READY", powerStatus: "POWERED_ON" } });
    expect(explanation.database.history.length).toBeGreaterThan(0);
    expect(explanation.restart).toMatchObject({ running: true, restartRequired: false });
    expect(explanation.conditions.map((condition: any) => condition.type)).toContain("Committed");
  });

  it("explain says 'no database' when there is none, and names a missing order", async () => {
    const directory = path.join(os.tmpdir(), uniqueName("osac-no-db"));
    const run = await cli(["explain", `${ns}/vm-git`, "--data-dir", directory]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("History (no database)");
    expect(run.stdout).toContain(`no database: DATABASE_URL is unset and there is no embedded database at ${directory} (--data-dir)`);
    expect(fs.existsSync(directory)).toBe(false);
    const missing = await cli(["explain", `${ns}/vm-nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`NotFound: no VirtualMachine order 'vm-nope' in namespace ${ns}`);
    const bad = await cli(["explain", "a/b/c"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'a/b/c' is not <namespace>/<order> or <order>");
  });
});
