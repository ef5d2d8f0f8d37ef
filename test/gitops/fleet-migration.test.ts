// FleetMigration to `targetMode: gitops` on the real parts (docs/adr/0034-fleet-migration-gitops-mode.md):
// an AAP-era fleet built as the role builds it (test/support/role-fleet.ts: the role's field
// manager, KubeVirt-like status, a VMI per running VM), the real `osac-vm migrate controller`,
// the real `osac-vm committer` (Git's one writer) pushing to the suite's Git server, and the real
// Argo CD adopting the live objects (annotation tracking, ServerSideApply, ApplyOutOfSyncOnly).
// Preflight waits (PlatformUnhealthy, naming the committer) until a committer holds its Lease, and refuses the
// order whose gitops rendering would change its DataVolume's spec. Every child keeps its uid and
// every VMI its uid and launcher image. Rolling back the last batch puts its orders back on aap
// with their files gone from Git, no object deleted (Prune=false), and every child byte-equal to
// the backup. The committer seals (as in production): every order's cloud-init Secret (and three
// orders' SSH key Secrets) the real sealed-secrets controller takes over (same uid, same data) once Adopt
// marked them managed, and which a rollback releases from their SealedSecret before Argo CD prunes it.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { startSealedSecretsController, type SealedSecretsController } from "../../scripts/cluster/sealed-secrets.ts";
import { Annotations, Labels } from "../../src/api/well-known.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { BACKUP_KEY, decodeBackup } from "../../src/migration/fleet/backup.ts";
import { contentOf } from "../../src/migration/fleet/ownership.ts";
import type { FleetMigration } from "../../src/migration/fleet/types.ts";
import { SYNC_OPTIONS, TRACKING_ID } from "../../src/migration/fleet-gitops/argocd-tracking.ts";
import { controlledBySealedSecret } from "../../src/migration/fleet-gitops/sealed-secret-takeover.ts";
import type { LiveObject } from "../../src/migration/live-object.ts";
import { KubeRestClient } from "../../src/platform/kube/rest-client.ts";
import { startControllerProcess, type ControllerProcess } from "../e2e/support/controller-process.ts";
import { adminKubeConfig, createNamespace, uniqueName } from "../e2e/support/kube.ts";
import { startMigrationProcess, type MigrationProcess } from "../e2e/support/migration-process.ts";
import { createRoleOrder, inParallel, type RoleOrder, listOrderChildren } from "../support/role-fleet.ts";
import { sshEd25519Key } from "../support/sealing.ts";
import { ArgoApplications, describeApplication, exampleApplication } from "./support/argocd-app.ts";
import { RenderedRepo } from "./support/rendered-repo.ts";
import { writeGitCredentialsDir } from "../../scripts/cluster/git-server.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const rest = new KubeRestClient(admin, 30_000);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");
const ns = uniqueName("fm-gitops");
const TENANT = "fmg";
const tenantNs = tenantNamespace(ns, TENANT);
const leaseNs = uniqueName("fm-lease");
const MIGRATIONS = `/apis/gitops.cloudkit.openshift.io/v1alpha1/namespaces/${ns}/fleetmigrations`;
const NAME = "to-gitops";
const FLEET_SIZE = 20;
const BATCH_SIZE = 10;
const base = { storage_class: "standard" };
const names = Array.from({ length: FLEET_SIZE }, (_, index) => `vm-${String(index).padStart(2, "0")}`);
/** Its disk was asked bigger after the role made it: the gitops rendering would change the DataVolume's spec. */
const DISK_GREW = "vm-disk";
/** These orders have their own user data and an SSH key Secret (spread over both batches); every order has a cloud-init Secret. */
const WITH_SECRETS = new Set(["vm-00", "vm-10", "vm-19"]);
const withSecrets = (name: string) => ({
  cloud_init_config: Buffer.from(`#cloud-config\nruncmd:\n  - echo ${name} ${randomBytes(8).toString("hex")}\n`).toString("base64"),
  ssh_public_key: sshEd25519Key(randomBytes(32), `${name}@fm-gitops`),
});
const FLEET: RoleOrder[] = [
  ...names.map((name) => ({ name, parameters: { ...base, ...(WITH_SECRETS.has(name) ? withSecrets(name) : {}) }, running: true, labels: { fleet: "fm-gitops" } })),
  { name: DISK_GREW, parameters: { ...base, disk_size: "20Gi" }, madeFrom: { ...base }, running: true, labels: { fleet: "fm-gitops" } },
];
let work: string;
let repo: RenderedRepo;
let appName: string;
let migration: MigrationProcess;
let committer: ControllerProcess | undefined;
let sealedSecrets: SealedSecretsController;
/** `Secret/name` → data of every Secret before the migration. */
const secretData = new Map<string, unknown>();
/** `Kind/name` → uid of every child before the migration. */
const childUids = new Map<string, string>();
/** VMI name → uid and launcher image before the migration. */
const instances = new Map<string, { uid: string; image: unknown }>();

const keyOf = (object: LiveObject) => `${object.kind}/${object.metadata.name}`;

async function readInstances(): Promise<Map<string, { uid: string; image: unknown }>> {
  const answer = await rest.request<{ items: LiveObject[] }>("GET", `/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachineinstances`);
  return new Map(answer.body.items.map((item) => [item.metadata.name ?? "", { uid: item.metadata.uid ?? "", image: item.status?.launcherContainerImageVersion }]));
}

async function orderOf(name: string): Promise<LiveObject> {
  return (await rest.request<LiveObject>("GET", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines/${name}`)).body;
}

async function current(): Promise<FleetMigration> {
  return (await rest.request<FleetMigration>("GET", `${MIGRATIONS}/${NAME}`)).body;
}

async function waitFor(what: string, ready: (migration: FleetMigration) => boolean, timeoutMs = 240_000): Promise<FleetMigration> {
  const deadline = Date.now() + timeoutMs;
  let last: FleetMigration | undefined;
  while (Date.now() < deadline) {
    last = await current();
    if (ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const tail = (lines: string) => lines.trimEnd().split("\n").slice(-15).join("\n");
  throw new Error(
    `FleetMigration ${NAME}: ${what} not reached in ${timeoutMs / 1000} s; status: ${JSON.stringify(last?.status, null, 1).slice(0, 4000)}\n` +
      `Application: ${describeApplication(await apps.get(appName))}\ncommitter log tail:\n${tail(committer?.log() ?? "(not started)")}`,
  );
}

function bareGit(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("git", [`--git-dir=${repo.bareDir}`, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(" ")}: ${stderr.trim() || error.message}`)) : resolve(stdout))),
  );
}

async function filesInGit(): Promise<string[]> {
  return (await bareGit("ls-tree", "-r", "--name-only", "main", `rendered/${tenantNs}/`)).trim().split("\n").filter(Boolean);
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: ctx.cluster.kubeconfigPath }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, stdout, stderr }),
    ),
  );
}

/**
 * Polls the given orders' Secrets and SealedSecrets (two LISTs every 100 ms) during a rollback:
 * which Secrets were seen free of their SealedSecret while still marked Prune=false (released, not
 * yet restored), and any Secret seen still owned by a SealedSecret that was gone.
 */
async function watchSecretRelease(orders: readonly string[]) {
  const selector = encodeURIComponent(`${Labels.order} in (${orders.join(",")})`);
  const sealed = (await rest.request<{ items: LiveObject[] }>("GET", `/api/v1/namespaces/${tenantNs}/secrets?labelSelector=${selector}`)).body.items
    .filter((secret) => controlledBySealedSecret({ ...secret, kind: "Secret" }))
    .map((secret) => secret.metadata.name ?? "");
  const releasedBeforeRestore = new Set<string>();
  const ownedAfterPrune: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const sealedSecrets = new Set((await rest.request<{ items: LiveObject[] }>("GET", `/apis/bitnami.com/v1alpha1/namespaces/${tenantNs}/sealedsecrets`)).body.items.filter((item) => !item.metadata.deletionTimestamp).map((item) => item.metadata.name));
      for (const secret of (await rest.request<{ items: LiveObject[] }>("GET", `/api/v1/namespaces/${tenantNs}/secrets?labelSelector=${selector}`)).body.items) {
        const name = secret.metadata.name ?? "";
        if (!sealed.includes(name)) continue;
        const owned = controlledBySealedSecret({ ...secret, kind: "Secret" });
        if (!owned && (secret.metadata.annotations?.[SYNC_OPTIONS] ?? "").includes("Prune=false")) releasedBeforeRestore.add(name);
        if (owned && !sealedSecrets.has(name)) ownedAfterPrune.push(name);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { sealed, releasedBeforeRestore, ownedAfterPrune };
    },
  };
}

const batchOf = (migration: FleetMigration, index: number) => migration.status!.batches!.find((entry) => entry.index === index)!;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-gitops-fm-"));
  for (const name of [ns, tenantNs, leaseNs]) await createNamespace(admin, name);
  await inParallel(FLEET, 6, async (order) => {
    await createRoleOrder(rest, ns, TENANT, order);
  });
  for (const child of await listOrderChildren(rest, tenantNs)) {
    childUids.set(keyOf(child), child.metadata.uid ?? "");
    if (child.kind === "Secret") secretData.set(keyOf(child), child.data);
  }
  // Every order has its cloud-init Secret; WITH_SECRETS have their own user data and an SSH key Secret too.
  expect(secretData.size, "the fleet's role-era Secrets").toBe(FLEET.length + WITH_SECRETS.size);
  for (const [name, instance] of await readInstances()) instances.set(name, instance);

  sealedSecrets = await startSealedSecretsController({ kubeconfigPath: ctx.cluster.kubeconfigPath, keyNamespace: uniqueName("sealed-secrets"), log: (line) => process.stderr.write(`[gitops] ${line}\n`) });
  fs.writeFileSync(path.join(work, "sealing.pem"), await sealedSecrets.certificatePem());
  fs.writeFileSync(path.join(work, "value.key"), randomBytes(48), { mode: 0o600 });

  repo = await RenderedRepo.create(ctx.git, "fleet-migration");
  repo.writeFile("rendered/README.md", "One directory per tenant namespace.\n");
  const seed = await repo.commitAndPush("Seed the repository");
  appName = uniqueName("fm-gitops");
  await apps.apply(exampleApplication(appName, repo.url));
  await apps.waitSynced(appName, { revision: seed, timeoutMs: 120_000 });

  migration = await startMigrationProcess(ctx.cluster.kubeconfigPath, ["--watch-namespace", ns, "--step-interval-ms", "50", "--committer-lease-namespace", leaseNs, "--argocd-namespace", "argocd"]);
}, 600_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    const lines = migration?.logLines().slice(-25).map((line) => JSON.stringify(line)).join("\n");
    process.stderr.write(`\n----- migration controller log tail -----\n${lines}\n----- committer log tail -----\n${committer?.log().split("\n").slice(-30).join("\n") ?? ""}\n`);
  });
});

afterAll(async () => {
  await migration?.stop();
  await committer?.stop();
  await sealedSecrets?.stop();
  if (appName) await apps.delete(appName);
  repo?.dispose();
  rest.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("FleetMigration of an AAP-era fleet to gitops, batches of 10, with the committer and Argo CD", () => {
  it("WHEN no committer holds its Lease THEN Preflight waits (PlatformUnhealthy naming the committer's Lease) and plans nothing", async () => {
    await rest.request("POST", MIGRATIONS, {
      body: { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "FleetMigration", metadata: { name: NAME }, spec: { orderSelector: { matchLabels: { fleet: "fm-gitops" } }, targetMode: "gitops", batchSize: BATCH_SIZE, approvalMode: "Automatic" } },
    });
    const waiting = await waitFor("Preflight PlatformUnhealthy", (m) => m.status?.conditions?.some((condition) => condition.type === "Preflight" && condition.reason === "PlatformUnhealthy") ?? false, 60_000);
    expect(waiting.status?.phase).toBe("Pending");
    expect(waiting.status?.batches).toBeUndefined();
    const preflight = waiting.status!.conditions!.find((condition) => condition.type === "Preflight")!;
    expect(preflight.status).toBe("False");
    expect(preflight.message).toContain(`committer unavailable: no Lease ${leaseNs}/osac-vm-committer`);
    for (const name of names) expect((await orderOf(name)).metadata.annotations?.[Annotations.managedBy] ?? "aap").toBe("aap");
  });

  it("WHEN the committer runs THEN the migration goes on: Argo CD adopts every object without re-creating one, and no VMI changes", async () => {
    const credentials = writeGitCredentialsDir(ctx.git, work);
    committer = await startControllerProcess({
      kubeconfigPath: ctx.cluster.kubeconfigPath,
      leaseNamespace: leaseNs,
      identity: "committer-0",
      logLevel: "info",
      command: ["committer"],
      extraArgs: [
        "--repository", repo.url,
        "--git-credentials-dir", credentials,
        "--sealing-certificate-file", path.join(work, "sealing.pem"),
        "--sealing-key-file", path.join(work, "value.key"),
        "--order-namespaces", ns,
        "--argocd-namespace", "argocd",
      ],
    });
    const done = await waitFor("Succeeded", (m) => m.status?.phase === "Succeeded" || m.status?.phase === "Failed");
    expect(done.status?.phase, JSON.stringify(done.status?.batches?.map((batch) => batch.message))).toBe("Succeeded");
    expect(done.status?.refused).toEqual([{ name: DISK_GREW, reason: "ImmutableFieldChange", message: expect.stringContaining(`DataVolume ${DISK_GREW}-root-disk's spec.pvc.resources.requests.storage`) }]);
    expect(done.status?.batches?.map((batch) => [batch.orders.length, batch.state])).toEqual([[BATCH_SIZE, "Verified"], [BATCH_SIZE, "Verified"]]);
    expect(done.status).toMatchObject({ adopted: FLEET_SIZE, total: FLEET_SIZE });

    const app = await apps.waitSynced(appName, { health: "Healthy", timeoutMs: 120_000 });
    expect(app.status?.sync?.status, describeApplication(app)).toBe("Synced");
    expect((await filesInGit()).sort()).toEqual([`rendered/${tenantNs}/_namespace.yaml`, ...names.map((name) => `rendered/${tenantNs}/${name}.yaml`)].sort());
    for (const name of names) {
      const order = await orderOf(name);
      expect(order.metadata.annotations?.[Annotations.managedBy], name).toBe("gitops");
      expect((order.status?.conditions as { type: string; status: string }[]).find((condition) => condition.type === "Committed")?.status, name).toBe("True");
    }
    const live = await listOrderChildren(rest, tenantNs);
    expect(live.map(keyOf).sort()).toEqual([...childUids.keys()].sort());
    for (const child of live) {
      expect(child.metadata.uid, `${keyOf(child)} re-created`).toBe(childUids.get(keyOf(child)));
      const adopted = child.metadata.labels?.[Labels.order] !== DISK_GREW;
      if (child.kind === "Secret" && adopted) {
        // Sealed: the sealed-secrets controller took the role's Secret over (updated, not re-created) and its data decrypts to the role's values.
        expect(controlledBySealedSecret(child), `${keyOf(child)} controlled by its SealedSecret: ${JSON.stringify(child.metadata.ownerReferences)}`).toBe(true);
        expect(child.data, `${keyOf(child)}'s data`).toEqual(secretData.get(keyOf(child)));
        continue;
      }
      expect(child.metadata.annotations?.[TRACKING_ID]?.startsWith(`${appName}:`) ?? false, `${keyOf(child)} tracked by Argo CD`).toBe(adopted);
    }
    for (const file of (await filesInGit()).filter((name) => WITH_SECRETS.has(path.basename(name, ".yaml")))) {
      const text = await bareGit("show", `main:${file}`);
      expect(text, file).toMatch(/^kind: SealedSecret$/m);
      expect(text, file).not.toMatch(/^kind: Secret$/m);
    }
    expect(await readInstances()).toEqual(instances);
  }, 300_000);

  it("WHEN the last batch is rolled back THEN its orders are on aap, their files are gone from Git, nothing was deleted and every child equals its backup", async () => {
    const before = await current();
    const last = batchOf(before, 2);
    const watched = await watchSecretRelease(last.orders);
    const rollback = await cli(["migrate", "rollback", NAME, "-n", ns, "--batch", "2"]);
    expect(rollback.code, rollback.stderr).toBe(0);
    const rolledBack = await waitFor("RolledBack", (m) => m.status?.phase === "RolledBack");
    const seen = await watched.stop();
    // Released before anything else: each Secret was seen free of its SealedSecret while still marked
    // Prune=false (before the restore), and no SealedSecret was seen gone while its Secret still named it.
    expect(seen.sealed.length, "the rolled-back batch has sealed Secrets").toBeGreaterThan(0);
    expect(seen.ownedAfterPrune, "Secrets still owned by a pruned SealedSecret").toEqual([]);
    expect([...seen.releasedBeforeRestore].sort(), "Secrets seen released before their restore").toEqual([...seen.sealed].sort());
    expect(rolledBack.status!.batches!.map((batch) => batch.state)).toEqual(["Verified", "RolledBack"]);
    expect(rolledBack.status).toMatchObject({ adopted: BATCH_SIZE, rollback: { toBatch: 2 } });

    expect((await filesInGit()).sort()).toEqual([`rendered/${tenantNs}/_namespace.yaml`, ...batchOf(rolledBack, 1).orders.map((name) => `rendered/${tenantNs}/${name}.yaml`)].sort());
    const secret = await rest.request<{ data: Record<string, string> }>("GET", `/api/v1/namespaces/${ns}/secrets/${last.backupSecret}`);
    const backup = decodeBackup(secret.body.data[BACKUP_KEY]!);
    const live = await listOrderChildren(rest, tenantNs);
    // No object was deleted or re-created, the rolled-back ones included (Prune=false held Argo CD's prune).
    expect(live.map(keyOf).sort()).toEqual([...childUids.keys()].sort());
    for (const child of live) expect(child.metadata.uid, `${keyOf(child)} re-created`).toBe(childUids.get(keyOf(child)));
    for (const saved of backup.orders) {
      const annotations = (await orderOf(saved.order)).metadata.annotations;
      expect(annotations?.[Annotations.managedBy], saved.order).toBe("aap");
      expect(annotations?.[Annotations.firmwareUuid], `${saved.order}: the pin the migration wrote is gone`).toBeUndefined();
      const objects = live.filter((child) => child.metadata.labels?.[Labels.order] === saved.order);
      expect(objects.map(keyOf).sort()).toEqual(saved.objects.map(keyOf).sort());
      for (const object of objects) {
        const original = saved.objects.find((candidate) => keyOf(candidate) === keyOf(object))!;
        expect(JSON.stringify(contentOf(object)), `${saved.order}: ${keyOf(object)}`).toBe(JSON.stringify(contentOf(original)));
        expect(object.metadata.uid).toBe(original.metadata.uid);
        expect(object.metadata.annotations?.[TRACKING_ID], `${keyOf(object)} no longer tracked`).toBeUndefined();
        expect(object.metadata.ownerReferences, `${keyOf(object)} depends on nothing`).toBeUndefined();
      }
    }
    const released = live.filter((child) => child.kind === "Secret" && backup.orders.some((saved) => saved.order === child.metadata.labels?.[Labels.order]));
    expect(released.map(keyOf).sort(), "the rolled-back batch had sealed Secrets").toEqual([...secretData.keys()].filter((key) => backup.orders.some((saved) => key.startsWith(`Secret/${saved.order}-`))).sort());
    expect(released.length).toBeGreaterThan(0);
    // The first batch stays adopted, and Argo CD is Synced again at the tip (nothing left to prune).
    for (const name of batchOf(rolledBack, 1).orders) expect((await orderOf(name)).metadata.annotations?.[Annotations.managedBy]).toBe("gitops");
    const tip = (await bareGit("rev-parse", "main")).trim();
    const app = await apps.waitSynced(appName, { revision: tip, health: "Healthy", timeoutMs: 120_000 });
    expect(app.status?.resources?.filter((resource) => resource.requiresPruning), describeApplication(app)).toEqual([]);
    // Argo CD pruned the rolled-back orders' SealedSecrets (nothing depended on them any more); batch 1's still control their Secrets.
    for (const secret of released) {
      const sealed = await rest.request("GET", `/apis/bitnami.com/v1alpha1/namespaces/${tenantNs}/sealedsecrets/${secret.metadata.name}`, { allow404: true });
      expect(sealed.status, `SealedSecret ${secret.metadata.name} pruned`).toBe(404);
    }
    for (const child of await listOrderChildren(rest, tenantNs)) {
      if (child.kind === "Secret" && batchOf(rolledBack, 1).orders.includes(child.metadata.labels?.[Labels.order] ?? "")) expect(controlledBySealedSecret(child), keyOf(child)).toBe(true);
    }
    expect(await readInstances()).toEqual(instances);
    // Nothing is left waiting on the rolled-back orders: the committer's finalizer went with its files.
    for (const saved of backup.orders) expect((await orderOf(saved.order)).metadata.finalizers ?? [], saved.order).toEqual([]);
  }, 420_000);
});
