// FleetMigration end to end on the real API server: an AAP-era fleet built as the role builds it
// (test/support/role-fleet.ts), a hand-edited label, a changed Service port and a CPU change that
// would restart its VM; the real `osac-vm migrate controller` process adopts it to `controller`
// in batches of 10 with manual approvals, is SIGKILLed mid-batch and resumes, and rolls back
// batches 3 and 2 on `osac-vm migrate rollback --batch 2`. Adopt pins each order's firmware UUID
// to its live VM's; rollback removes the pins it wrote. The order controller does not run here:
// adoption must hold on its own (ADR 0032); fleet-migration-controller.test.ts runs it. The gitops
// target mode (ADR 0034) is tested with the real committer and Argo CD in test/gitops/fleet-migration.test.ts.
import { execFile } from "node:child_process";
import * as https from "node:https";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { Annotations, Labels } from "../../src/api/well-known.ts";
import { FIELD_MANAGER } from "../../src/controller/order-reconciler.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { BACKUP_KEY, decodeBackup } from "../../src/migration/fleet/backup.ts";
import { contentOf, ownsFields } from "../../src/migration/fleet/ownership.ts";
import type { FleetMigration } from "../../src/migration/fleet/types.ts";
import type { LiveObject } from "../../src/migration/live-object.ts";
import { KubeApiError, KubeRestClient, objectPath } from "../../src/platform/kube/rest-client.ts";
import { createRoleOrder, inParallel, type RoleOrder, listOrderChildren } from "../support/role-fleet.ts";
import "./support/context.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, uniqueName } from "./support/kube.ts";
import { startMigrationProcess, type MigrationProcess } from "./support/migration-process.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");
const TENANT = "fm-tenant";
const MERGE = "application/merge-patch+json";
const FLEET_SIZE = Number(process.env.E2E_FLEET_SIZE ?? 60);
const STEP_INTERVAL_MS = "250";
const MIGRATIONS = "/apis/gitops.cloudkit.openshift.io/v1alpha1";
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: ctx.kubeconfigPath }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const rest = new KubeRestClient(admin, 30_000);
const ns = uniqueName("e2e-fm");
const tenantNs = tenantNamespace(ns, TENANT);
const names = Array.from({ length: FLEET_SIZE }, (_, index) => `vm-${String(index).padStart(2, "0")}`);
const LABEL_DRIFT = names[5]!;
const PORT_DRIFT = names[17]!;
const RESTART = names[33]!;
const base = { storage_class: "standard" };
const FLEET: RoleOrder[] = names.map((name) => ({
  name,
  parameters: name === RESTART ? { ...base, cpu_cores: "4" } : { ...base },
  ...(name === RESTART ? { madeFrom: { ...base, cpu_cores: "2" } } : {}),
  running: true,
  labels: { fleet: "fm" },
}));
const processes: MigrationProcess[] = [];
/** The suite's webhook serves conversion only: no admission webhook is registered here (fleet-migration-health.test.ts probes one). */
const NO_ADMISSION = ["--no-webhook-check"];
/** Each order's children content (labels, annotations, spec or data) before the migration. */
const before = new Map<string, Map<string, unknown>>();
const vmiUids = new Map<string, string>();

async function orderOf(name: string): Promise<LiveObject> {
  return (await rest.request<LiveObject>("GET", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines/${name}`)).body;
}

function byOrder(objects: readonly LiveObject[]): Map<string, LiveObject[]> {
  const groups = new Map<string, LiveObject[]>();
  for (const object of objects) {
    const order = object.metadata.labels?.[Labels.order] ?? "";
    groups.set(order, [...(groups.get(order) ?? []), object]);
  }
  return groups;
}

const contentKey = (object: LiveObject) => `${object.kind}/${object.metadata.name}`;

async function migration(name: string): Promise<FleetMigration> {
  return (await rest.request<FleetMigration>("GET", `${MIGRATIONS}/namespaces/${ns}/fleetmigrations/${name}`)).body;
}

async function waitFor(name: string, what: string, ready: (migration: FleetMigration) => boolean, timeoutMs = 90_000, pollMs = 200): Promise<FleetMigration> {
  const deadline = Date.now() + timeoutMs;
  let last: FleetMigration | undefined;
  while (Date.now() < deadline) {
    last = await migration(name);
    if (ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`FleetMigration ${name}: ${what} not reached in ${timeoutMs / 1000} s; status: ${JSON.stringify(last?.status, null, 1).slice(0, 4000)}`);
}

/** What `kubectl get fleetmigrations` prints: the API server's Table (the CRD's printer columns). */
async function table(): Promise<{ columns: string[]; rows: unknown[][] }> {
  const options: https.RequestOptions = { headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } };
  await admin.applyToHTTPSOptions(options);
  const url = new URL(`${MIGRATIONS}/namespaces/${ns}/fleetmigrations`, admin.getCurrentCluster()!.server);
  const body = await new Promise<string>((resolve, reject) => {
    https.get(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      response.on("error", reject);
    }).on("error", reject);
  });
  const parsed = JSON.parse(body) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
  const shown = parsed.columnDefinitions.map((column, index) => ({ ...column, index })).filter((column) => column.priority === 0);
  return { columns: shown.map((column) => column.name), rows: parsed.rows.map((row) => shown.map((column) => row.cells[column.index])) };
}

const batch = (migration: FleetMigration, index: number) => migration.status!.batches!.find((entry) => entry.index === index)!;

async function createMigration(name: string, spec: Record<string, unknown>): Promise<void> {
  await rest.request("POST", `${MIGRATIONS}/namespaces/${ns}/fleetmigrations`, { body: { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "FleetMigration", metadata: { name }, spec } });
}

beforeAll(async () => {
  await createNamespace(admin, ns);
  await createNamespace(admin, tenantNs);
  await inParallel(FLEET, 6, async (order) => {
    await createRoleOrder(rest, ns, TENANT, order);
  });
  await rest.request("PATCH", `${objectPath("kubevirt.io/v1", "VirtualMachine", tenantNs, LABEL_DRIFT)}?fieldManager=kubectl-edit`, { body: { metadata: { labels: { team: "blue" } } }, contentType: MERGE });
  await rest.request("PATCH", `${objectPath("v1", "Service", tenantNs, `${PORT_DRIFT}-load-balancer`)}?fieldManager=kubectl-edit`, {
    body: { spec: { ports: [{ name: "tcp-22", port: 2222, targetPort: 22, protocol: "TCP" }] } },
    contentType: MERGE,
  });
  for (const [order, objects] of byOrder(await listOrderChildren(rest, tenantNs))) before.set(order, new Map(objects.map((object) => [contentKey(object), contentOf(object)])));
  const instances = await rest.request<{ items: LiveObject[] }>("GET", `/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachineinstances`);
  for (const instance of instances.body.items) vmiUids.set(instance.metadata.name ?? "", instance.metadata.uid ?? "");
  processes.push(await startMigrationProcess(ctx.kubeconfigPath, ["--watch-namespace", ns, "--step-interval-ms", STEP_INTERVAL_MS, ...NO_ADMISSION]));
}, 600_000);

afterAll(async () => {
  for (const process of processes) await process.stop();
  await deleteNamespaceNoWait(admin, ns);
  await deleteNamespaceNoWait(admin, tenantNs);
  rest.close();
});

describe("FleetMigration admission", () => {
  it.each([
    ["an empty selector", { orderSelector: {}, targetMode: "controller" }, "spec.orderSelector: Invalid value: \"object\": must select something"],
    ["a percentage over 100", { orderSelector: { matchLabels: { fleet: "fm" } }, targetMode: "controller", percentage: 101 }, "spec.percentage: Invalid value: 101: spec.percentage in body should be less than or equal to 100"],
    ["an unknown mode", { orderSelector: { matchLabels: { fleet: "fm" } }, targetMode: "argo" }, 'spec.targetMode: Unsupported value: "argo": supported values: "controller", "gitops"'],
    ["a batch size of 0", { orderSelector: { matchLabels: { fleet: "fm" } }, targetMode: "controller", batchSize: 0 }, "spec.batchSize: Invalid value: 0: spec.batchSize in body should be greater than or equal to 1"],
  ])("GIVEN %s THEN the API server rejects it with the field named", async (_what, spec, message) => {
    const error = await createMigration(uniqueName("bad"), spec).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(422);
    expect((error as KubeApiError).message).toContain(message);
  });
});

describe("FleetMigration of an AAP-era fleet to controller, in batches of 10 with approvals", () => {
  const NAME = "to-controller";
  const batches = Math.ceil((FLEET_SIZE - 1) / 10);

  it("Preflight names the restart-predicted order and plans the rest; batch 1 waits for approval with nothing adopted", async () => {
    await createMigration(NAME, { orderSelector: { matchLabels: { fleet: "fm" } }, targetMode: "controller", batchSize: 10, approvalMode: "Manual" });
    const waiting = await waitFor(NAME, "batch 1 awaiting approval", (m) => m.status?.phase === "AwaitingApproval");
    const status = waiting.status!;
    expect(status.refused).toEqual([{ name: RESTART, reason: "RestartPredicted", message: expect.stringContaining("spec.template.spec.domain.cpu.cores (not live-updatable)") }]);
    expect(status).toMatchObject({ total: FLEET_SIZE - 1, adopted: 0, currentBatch: 1 });
    expect(status.batches!.map((entry) => entry.orders.length)).toEqual(Array.from({ length: batches }, (_, index) => Math.min(10, FLEET_SIZE - 1 - index * 10)));
    expect(status.batches!.flatMap((entry) => entry.orders)).toEqual(names.filter((name) => name !== RESTART));
    const preflight = status.conditions!.find((condition) => condition.type === "Preflight")!;
    expect(preflight).toMatchObject({ status: "True", reason: "PassedWithRefusals" });
    expect(preflight.message).toContain(`1 refused: ${RESTART} (RestartPredicted`);
    expect(preflight.message).toContain("2 accepted with differences adoption keeps");
    expect(status.conditions!.map((condition) => condition.type)).toEqual(["Preflight", "Backup", "Adopt", "Verify"]);
    expect(status.conditions!.find((condition) => condition.type === "Backup")).toMatchObject({ status: "Unknown", reason: "AwaitingApproval" });
    for (const name of names) expect((await orderOf(name)).metadata.annotations?.[Annotations.managedBy] ?? "aap").toBe("aap");
  });

  it("each approved batch is backed up, adopted without a value changed, and verified; the next one waits", async () => {
    const approve = await cli(["migrate", "approve", NAME, "-n", ns]);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toBe(`fleetmigration/${NAME}: approved batch 1 of ${NAME}\n`);
    await waitFor(NAME, "batch 2 awaiting approval", (m) => m.status?.phase === "AwaitingApproval" && m.status.currentBatch === 2);
    const second = await cli(["migrate", "approve", NAME, "-n", ns, "--batch", "2"]);
    expect(second.code, second.stderr).toBe(0);
    const waiting = await waitFor(NAME, "batch 3 awaiting approval", (m) => m.status?.phase === "AwaitingApproval" && m.status.currentBatch === 3);
    expect(waiting.status).toMatchObject({ adopted: 20 });
    expect([batch(waiting, 1).state, batch(waiting, 2).state, batch(waiting, 3).state]).toEqual(["Verified", "Verified", "AwaitingApproval"]);
    const live = byOrder(await listOrderChildren(rest, tenantNs));
    for (const name of [...batch(waiting, 1).orders, ...batch(waiting, 2).orders]) {
      const annotations = (await orderOf(name)).metadata.annotations;
      expect(annotations?.[Annotations.managedBy]).toBe("controller");
      // The firmware UUID is pinned to the live VM's (KubeVirt's random one), so the controller keeps it.
      const vm = live.get(name)!.find((object) => object.kind === "VirtualMachine")!;
      expect(annotations?.[Annotations.firmwareUuid], name).toBe(vm.spec.template.spec.domain.firmware.uuid);
      for (const object of live.get(name)!) {
        expect(ownsFields(object, FIELD_MANAGER), `${name}: ${contentKey(object)} owned by ${FIELD_MANAGER}`).toBe(true);
        expect(contentOf(object), `${name}: ${contentKey(object)}`).toEqual(adoptedContent(object, before.get(name)!.get(contentKey(object))));
      }
    }
    for (const name of batch(waiting, 3).orders) expect((await orderOf(name)).metadata.annotations?.[Annotations.managedBy] ?? "aap").toBe("aap");
    const secret = await rest.request<{ data: Record<string, string>; metadata: { ownerReferences: { kind: string; name: string }[] } }>("GET", `/api/v1/namespaces/${ns}/secrets/${batch(waiting, 1).backupSecret}`);
    expect(secret.body.metadata.ownerReferences).toMatchObject([{ kind: "FleetMigration", name: NAME }]);
    const backup = decodeBackup(secret.body.data[BACKUP_KEY]!);
    expect(backup.orders.map((entry) => entry.order)).toEqual(batch(waiting, 1).orders);
    expect(backup.orders[0]!.instance).toEqual({ name: names[0], uid: vmiUids.get(names[0]!), launcherContainerImageVersion: "quay.io/kubevirt/virt-launcher:v1.6.0" });
  });

  it("SIGKILLed mid-batch, a new process resumes the batch: no order adopted twice, none skipped", async () => {
    const approve = await cli(["migrate", "approve", NAME, "-n", ns]);
    expect(approve.code, approve.stderr).toBe(0);
    const midway = await waitFor(NAME, "batch 3 partly adopted", (m) => (batch(m, 3).adopted?.length ?? 0) >= 3, 90_000, 50);
    await processes[0]!.kill();
    const atKill = batch(await migration(NAME), 3).adopted?.length ?? 0;
    expect(atKill).toBeLessThan(10);
    expect(batch(midway, 3).state).toBe("Adopting");
    processes.push(await startMigrationProcess(ctx.kubeconfigPath, ["--watch-namespace", ns, "--step-interval-ms", STEP_INTERVAL_MS, ...NO_ADMISSION]));
    const done = await waitFor(NAME, "batch 4 awaiting approval", (m) => m.status?.phase === "AwaitingApproval" && m.status.currentBatch === 4);
    expect(batch(done, 3)).toMatchObject({ state: "Verified", adopted: batch(done, 3).orders });
    const lines = processes.flatMap((process) => process.logLines()).filter((line) => line.migration === NAME && typeof line.name === "string");
    const live = byOrder(await listOrderChildren(rest, tenantNs));
    for (const name of batch(done, 3).orders) {
      const adoptions = lines.filter((line) => line.name === name && line.msg === "Adopted an order");
      // The annotation is written once; each child is applied at most once (a crash after a write
      // and before its log line leaves the write unlogged, never repeated).
      expect(adoptions.filter((line) => line.annotated === true).length, name).toBeLessThanOrEqual(1);
      expect(adoptions.reduce((sum, line) => sum + Number(line.objects), 0), name).toBeLessThanOrEqual(live.get(name)!.length);
      expect((await orderOf(name)).metadata.annotations?.[Annotations.managedBy], name).toBe("controller");
      for (const object of live.get(name)!) expect(ownsFields(object, FIELD_MANAGER), `${name}: ${contentKey(object)}`).toBe(true);
    }
  });

  it("rollback --batch 2 walks batches 3 and 2 back: managed-by aap, objects equal to their backup, our ownership gone", async () => {
    const state = await migration(NAME);
    const [second, third] = [batch(state, 2), batch(state, 3)];
    // What the controller would do after adoption: change an adopted child under its own manager.
    const changedVm = second.orders[1]!;
    await rest.apply(objectPath("kubevirt.io/v1", "VirtualMachine", tenantNs, changedVm), { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: changedVm, namespace: tenantNs, labels: { "converged-by": "controller" } } }, FIELD_MANAGER);
    const changedService = `${third.orders[0]}-load-balancer`;
    await rest.request("PATCH", `${objectPath("v1", "Service", tenantNs, changedService)}?fieldManager=${FIELD_MANAGER}`, { body: { spec: { ports: [{ name: "tcp-22", port: 2022, targetPort: 22, protocol: "TCP" }] } }, contentType: MERGE });

    const rollback = await cli(["migrate", "rollback", NAME, "-n", ns, "--batch", "2"]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain("rolling back");
    const rolledBack = await waitFor(NAME, "RolledBack", (m) => m.status?.phase === "RolledBack");
    expect(rolledBack.status!.batches!.map((entry) => entry.state)).toEqual(["Verified", "RolledBack", "RolledBack", "AwaitingApproval", ...Array.from({ length: batches - 4 }, () => "Pending")]);
    expect(rolledBack.status).toMatchObject({ adopted: 10, rollback: { toBatch: 2 } });
    expect(rolledBack.status!.conditions!.find((condition) => condition.type === "RolledBack")).toMatchObject({ status: "True", reason: "RolledBack" });

    const live = byOrder(await listOrderChildren(rest, tenantNs));
    for (const entry of [second, third]) {
      const secret = await rest.request<{ data: Record<string, string> }>("GET", `/api/v1/namespaces/${ns}/secrets/${entry.backupSecret}`);
      const backup = decodeBackup(secret.body.data[BACKUP_KEY]!);
      for (const saved of backup.orders) {
        const annotations = (await orderOf(saved.order)).metadata.annotations;
        expect(annotations?.[Annotations.managedBy], saved.order).toBe("aap");
        expect(annotations?.[Annotations.firmwareUuid], `${saved.order}: the pin the migration wrote is gone`).toBeUndefined();
        const objects = live.get(saved.order)!;
        expect(objects.map(contentKey).sort()).toEqual(saved.objects.map(contentKey).sort());
        for (const object of objects) {
          const original = saved.objects.find((candidate) => contentKey(candidate) === contentKey(object))!;
          expect(JSON.stringify(contentOf(object)), `${saved.order}: ${contentKey(object)}`).toBe(JSON.stringify(contentOf(original)));
          expect(ownsFields(object, FIELD_MANAGER), `${saved.order}: ${contentKey(object)}`).toBe(false);
        }
      }
    }
    const lines = processes.flatMap((process) => process.logLines()).filter((line) => line.msg === "Restored a child from its backup");
    // Every VM of the two batches goes back to the role's spec.running (Adopt converted it to runStrategy), and the changed Service.
    expect(lines.map((line) => `${line.kind}/${line.name}`).sort()).toEqual([`Service/${changedService}`, ...[...second.orders, ...third.orders].map((name) => `VirtualMachine/${name}`)].sort());
    expect([...second.orders, ...third.orders]).toContain(changedVm);
    for (const name of batch(rolledBack, 1).orders) {
      const annotations = (await orderOf(name)).metadata.annotations;
      expect(annotations?.[Annotations.managedBy]).toBe("controller");
      expect(annotations?.[Annotations.firmwareUuid], name).toBeDefined();
    }
  });

  it("no VMI was replaced, kubectl get shows phase, batch, adopted and total, and approve/rollback name what they refuse", async () => {
    const instances = await rest.request<{ items: LiveObject[] }>("GET", `/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachineinstances`);
    expect(new Map(instances.body.items.map((instance) => [instance.metadata.name ?? "", instance.metadata.uid ?? ""]))).toEqual(vmiUids);
    const notPlanned = await cli(["migrate", "approve", NAME, "-n", ns, "--batch", "99"]);
    expect(notPlanned.code).toBe(2);
    expect(notPlanned.stderr).toContain(`--batch 99: ${NAME} has ${batches} batch(es)`);
    const missing = await cli(["migrate", "rollback", "nope", "-n", ns]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`NotFound: no FleetMigration 'nope' in namespace ${ns}`);
    const printed = await table();
    expect(printed.columns).toEqual(["Name", "Phase", "Batch", "Adopted", "Total", "Age"]);
    expect(printed.rows.map((row) => row.slice(0, 5))).toEqual([[NAME, "RolledBack", 2, 10, FLEET_SIZE - 1]]);
    const metrics = await processes.at(-1)!.metrics();
    expect(metrics).toMatch(new RegExp(`osac_vm_migration_phase\\{migration_namespace="${ns}",migration="${NAME}",phase="RolledBack"\\} 1`));
    expect(metrics).toMatch(/osac_vm_migration_steps_total\{step="adopt",outcome="success"\} \d+/);
  });
});

/**
 * A child's content after Adopt: unchanged, except that a VM's deprecated `spec.running` becomes
 * the same `spec.runStrategy` (KubeVirt refuses both; src/migration/fleet/run-strategy.ts).
 */
function adoptedContent(object: { kind?: string }, saved: unknown): unknown {
  if (object.kind !== "VirtualMachine") return saved;
  const content = saved as { spec: Record<string, unknown> };
  const { running, ...spec } = content.spec;
  return { ...content, spec: { ...spec, runStrategy: running ? "Always" : "Halted" } };
}
