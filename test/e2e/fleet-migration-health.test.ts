// Platform health and the status database in a FleetMigration (issue 17, ADR 0035), on the real
// API server with a real webhook process of its own (registered for this test's namespace only,
// as the chart registers it: mutating and validating order webhooks, failurePolicy Fail), a real
// PostgreSQL and the real order controller:
// - the webhook taken down: Preflight waits (PlatformUnhealthy naming the unreachable webhook)
//   and adopts nothing; back up, the migration goes on;
// - no order controller running: Verify waits for the rows (WaitingForDatabase, naming the
//   orders), then fails the batch naming the missing rows; with the order controller started
//   while Verify waits, the rows arrive and the batch passes;
// - the webhook taken down between two batches: the second batch adopts nothing until it is back.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Annotations } from "../../src/api/well-known.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { ORDER_WEBHOOKS } from "../../src/migration/fleet/platform-health.ts";
import type { FleetMigration } from "../../src/migration/fleet/types.ts";
import type { LiveObject } from "../../src/migration/live-object.ts";
import { openStatusStore } from "../../src/platform/database/open-status-store.ts";
import type { StatusStore } from "../../src/platform/database/status-store.ts";
import { KubeRestClient } from "../../src/platform/kube/rest-client.ts";
import { connectionUrl, createPostgresServer, destroyServerSync, type PostgresServerInfo } from "../db/support/postgres-server.ts";
import { createRoleOrder, inParallel, type RoleOrder } from "../support/role-fleet.ts";
import "./support/context.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, uniqueName } from "./support/kube.ts";
import { startMigrationProcess, type MigrationProcess } from "./support/migration-process.ts";
import { startWebhookProcess, type WebhookProcess } from "./support/webhook-process.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const rest = new KubeRestClient(admin, 30_000);
const TENANT = "fmh-tenant";
const MIGRATIONS = "/apis/gitops.cloudkit.openshift.io/v1alpha1";
const ADMISSION = "/apis/admissionregistration.k8s.io/v1";
/** The first migration process gives up on the rows soon; the second waits the default 300 s, time enough for the order controller to start. */
const DATABASE_WAIT_SECONDS = 20;
const ns = uniqueName("e2e-fmh");
const tenantNs = tenantNamespace(ns, TENANT);
const REGISTRATION = uniqueName("osac-vm-e2e-fmh");
const GROUPS = { down: ["vm-a-0", "vm-a-1"], late: ["vm-b-0", "vm-b-1"], between: ["vm-c-0", "vm-c-1"] } as const;
const FLEET: RoleOrder[] = Object.entries(GROUPS).flatMap(([group, names]) => names.map((name) => ({ name, parameters: { storage_class: "standard" }, running: true, labels: { fleet: group } })));

let pg: PostgresServerInfo | undefined;
let store: StatusStore | undefined;
let webhook: WebhookProcess | undefined;
let migration: MigrationProcess | undefined;

/** `osac-vm migrate controller` for this namespace, reading the test's PostgreSQL (DATABASE_URL, never an argument). */
async function startMigration(extraArgs: readonly string[] = []): Promise<MigrationProcess> {
  return startMigrationProcess(ctx.kubeconfigPath, ["--watch-namespace", ns, "--step-interval-ms", "100", ...extraArgs], { DATABASE_URL: connectionUrl(pg!) });
}
let controller: ControllerProcess | undefined;

type Condition = { type: string; status: string; reason: string; message: string };

async function get<T = Record<string, any>>(path: string): Promise<T> {
  return (await rest.request<T>("GET", path)).body;
}
const orderPath = (name: string) => `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines/${name}`;
const migrationPath = (name: string) => `${MIGRATIONS}/namespaces/${ns}/fleetmigrations/${name}`;
const condition = (fm: FleetMigration, type: string) => fm.status?.conditions?.find((entry) => entry.type === type) as Condition | undefined;
/** The order's mode; a role-era order without the annotation is on `aap`. */
const managedBy = async (name: string) => (await get<LiveObject>(orderPath(name))).metadata.annotations?.[Annotations.managedBy] ?? "aap";

async function waitFor(name: string, what: string, ready: (fm: FleetMigration) => boolean, timeoutMs = 120_000): Promise<FleetMigration> {
  const deadline = Date.now() + timeoutMs;
  let last: FleetMigration | undefined;
  while (Date.now() < deadline) {
    last = await get<FleetMigration>(migrationPath(name));
    if (ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`FleetMigration ${name}: ${what} not reached in ${timeoutMs / 1000} s; status: ${JSON.stringify(last?.status, null, 1).slice(0, 4000)}`);
}

async function createMigration(name: string, group: keyof typeof GROUPS, spec: Record<string, unknown> = {}): Promise<void> {
  await rest.request("POST", `${MIGRATIONS}/namespaces/${ns}/fleetmigrations`, {
    body: { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "FleetMigration", metadata: { name }, spec: { orderSelector: { matchLabels: { fleet: group } }, targetMode: "controller", batchSize: 2, approvalMode: "Automatic", ...spec } },
    discardBody: true,
  });
}

/** The order webhooks as the chart registers them, for this test's namespace only, at `target`. */
async function register(target: WebhookProcess): Promise<void> {
  const caBundle = Buffer.from(target.caPem).toString("base64");
  const rule = { apiGroups: ["cloudkit.openshift.io"], apiVersions: ["v1alpha1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"], scope: "Namespaced" };
  const common = { rules: [rule], namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } }, sideEffects: "None", admissionReviewVersions: ["v1"], matchPolicy: "Equivalent", timeoutSeconds: 3, failurePolicy: "Fail" };
  const configurations = [
    { kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations", webhook: { name: ORDER_WEBHOOKS.mutating, clientConfig: { url: `${target.url}/mutate/virtualmachines`, caBundle }, reinvocationPolicy: "IfNeeded", ...common } },
    { kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations", webhook: { name: ORDER_WEBHOOKS.validating, clientConfig: { url: `${target.url}/validate/virtualmachines`, caBundle }, ...common } },
  ];
  for (const { kind, plural, webhook: entry } of configurations) {
    await rest.apply(`${ADMISSION}/${plural}/${REGISTRATION}`, { apiVersion: "admissionregistration.k8s.io/v1", kind, metadata: { name: REGISTRATION }, webhooks: [entry] }, "osac-vm-e2e", { discardBody: true });
  }
  // Registrations take effect asynchronously: wait until an invalid order is refused by this webhook.
  await eventually(
    async () => {
      const body = { apiVersion: "cloudkit.openshift.io/v1alpha1", kind: "VirtualMachine", metadata: { name: uniqueName("probe"), namespace: ns, annotations: { [Annotations.tenant]: TENANT } }, spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: '{"cpu_cores":"0","storage_class":"standard"}' } };
      const answer = await rest.request("POST", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines?dryRun=All`, { body }).then(
        () => "admitted",
        (error: Error) => error.message,
      );
      if (!answer.includes(`admission webhook "${ORDER_WEBHOOKS.validating}" denied the request`)) throw new Error(`the webhook at ${target.url} does not answer yet: ${answer}`);
    },
    30_000,
    250,
  );
}

/** Stops the webhook process: the registrations still point at it, the API server cannot call it. */
async function takeWebhookDown(): Promise<void> {
  await webhook?.stop();
  webhook = undefined;
}

/** A new webhook process (a new pod, a new certificate) and the registrations pointed at it. */
async function bringWebhookBack(): Promise<void> {
  webhook = await startWebhookProcess(ctx.kubeconfigPath);
  await register(webhook);
}

beforeAll(async () => {
  pg = await createPostgresServer();
  store = await openStatusStore({ databaseUrl: connectionUrl(pg), postgres: { connectionTimeoutMs: 2_000, queryTimeoutMs: 5_000 } });
  await store.migrate();
  await createNamespace(admin, ns);
  await createNamespace(admin, tenantNs);
  await inParallel(FLEET, 3, async (order) => {
    await createRoleOrder(rest, ns, TENANT, order);
  });
  await bringWebhookBack();
  migration = await startMigration(["--database-wait-seconds", String(DATABASE_WAIT_SECONDS)]);
}, 300_000);

afterAll(async () => {
  await controller?.stop();
  await migration?.stop();
  await webhook?.stop();
  for (const plural of ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]) await rest.request("DELETE", `${ADMISSION}/${plural}/${REGISTRATION}`, { allow404: true, discardBody: true });
  await store?.close().catch(() => {});
  if (pg) destroyServerSync(pg);
  await deleteNamespaceNoWait(admin, ns);
  await deleteNamespaceNoWait(admin, tenantNs);
  rest.close();
});

describe("FleetMigration: platform health and the status database (ADR 0035)", () => {
  it("GIVEN the webhook down THEN Preflight waits (PlatformUnhealthy naming it) and adopts nothing; back up THEN the batch is adopted; without rows THEN Verify waits, then fails naming them", { timeout: 300_000 }, async () => {
    await takeWebhookDown();
    await createMigration("down", "down");
    const waiting = await waitFor("down", "Preflight PlatformUnhealthy", (fm) => condition(fm, "Preflight")?.reason === "PlatformUnhealthy");
    expect(waiting.status?.phase).toBe("Pending");
    expect(waiting.status?.batches).toBeUndefined();
    expect(condition(waiting, "Preflight")).toMatchObject({ status: "False" });
    expect(condition(waiting, "Preflight")?.message).toContain(`webhook ${ORDER_WEBHOOKS.mutating} is unreachable`);
    for (const name of GROUPS.down) expect(await managedBy(name), name).toBe("aap");

    await bringWebhookBack();
    // No order controller runs: the rows never come; Verify says so by name while it waits …
    const verifying = await waitFor("down", "Verify waiting for the database", (fm) => condition(fm, "Verify")?.reason === "WaitingForDatabase");
    expect(condition(verifying, "Preflight")?.reason).toBe("Passed");
    expect(verifying.status?.phase).toBe("Migrating");
    for (const name of GROUPS.down) {
      expect(await managedBy(name), name).toBe("controller");
      expect(condition(verifying, "Verify")?.message).toContain(`${name}: no row in the status database`);
    }
    // … then fails the batch, naming each missing row.
    const failed = await waitFor("down", "phase Failed", (fm) => fm.status?.phase === "Failed", (DATABASE_WAIT_SECONDS + 60) * 1000);
    expect(condition(failed, "Verify")).toMatchObject({ status: "False", reason: "VerifyFailed" });
    for (const name of GROUPS.down) expect(condition(failed, "Verify")?.message).toContain(`${name}: no row in the status database (the order controller has not recorded it) (waited ${DATABASE_WAIT_SECONDS} s)`);
  });

  it("GIVEN Verify waiting for rows WHEN the order controller starts THEN the rows arrive and the batch passes, the database check in its message", { timeout: 300_000 }, async () => {
    await migration?.stop();
    migration = await startMigration();
    await createMigration("late", "late");
    const waiting = await waitFor("late", "Verify waiting for the database", (fm) => condition(fm, "Verify")?.reason === "WaitingForDatabase");
    for (const name of GROUPS.late) expect(condition(waiting, "Verify")?.message).toContain(`${name}: no row in the status database`);
    controller = await startControllerProcess({
      kubeconfigPath: ctx.kubeconfigPath,
      leaseNamespace: ns,
      identity: `${ns}-controller`,
      databaseUrl: connectionUrl(pg!),
      extraArgs: [`--order-namespaces=${ns}`, `--tenant-namespaces=${tenantNs}`],
    });
    const done = await waitFor("late", "Succeeded", (fm) => fm.status?.phase === "Succeeded" || fm.status?.phase === "Failed", 240_000);
    expect(done.status?.phase, JSON.stringify(done.status?.conditions)).toBe("Succeeded");
    expect(condition(done, "Verify")).toMatchObject({ status: "True", reason: "Verified" });
    expect(condition(done, "Verify")?.message).toContain("status database: the rows of 2 order(s) reflect their status");
    for (const name of GROUPS.late) {
      const order = await get<LiveObject>(orderPath(name));
      const row = await store!.getVmState(order.metadata.uid ?? "");
      expect(row, name).toBeDefined();
      expect(row!.desiredConfigVersion, name).toBe(order.status.desiredConfigVersion);
    }
  });

  it("GIVEN the webhook dies between two batches THEN the second adopts nothing (Adopt PlatformUnhealthy) until it is back", { timeout: 300_000 }, async () => {
    await createMigration("between", "between", { batchSize: 1, approvalMode: "Manual", approvedBatches: [1] });
    const first = await waitFor("between", "batch 2 awaiting approval", (fm) => fm.status?.phase === "AwaitingApproval" && fm.status?.currentBatch === 2);
    expect(first.status?.batches?.[0]).toMatchObject({ state: "Verified" });
    const [adoptedFirst, second] = first.status!.batches!.map((batch) => batch.orders[0]!);
    await takeWebhookDown();
    await rest.request("PATCH", migrationPath("between"), { body: { spec: { approvedBatches: [1, 2] } }, contentType: "application/merge-patch+json", discardBody: true });
    const held = await waitFor("between", "Adopt PlatformUnhealthy", (fm) => condition(fm, "Adopt")?.reason === "PlatformUnhealthy");
    expect(held.status?.phase).toBe("Migrating");
    expect(condition(held, "Adopt")?.message).toContain(`batch 2 of 2: waiting for a healthy platform before adopting: webhook ${ORDER_WEBHOOKS.mutating} is unreachable`);
    expect(await managedBy(adoptedFirst!)).toBe("controller");
    expect(await managedBy(second!)).toBe("aap");

    await bringWebhookBack();
    const done = await waitFor("between", "Succeeded", (fm) => fm.status?.phase === "Succeeded" || fm.status?.phase === "Failed");
    expect(done.status?.phase, JSON.stringify(done.status?.conditions)).toBe("Succeeded");
    expect(await managedBy(second!)).toBe("controller");
  });
});
