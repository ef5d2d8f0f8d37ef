// Issue 14's whole loop on the real parts: orders created through the API → `osac-vm committer`
// (a real process) → the suite's Git server (git http-backend, Basic auth) → the real Argo CD →
// children, with the real sealed-secrets controller decrypting the SealedSecrets, and back to the
// order's status (the committer's Committed condition; the controller's reconciledConfigVersion
// from the keyed config versions). Deletion: the committer's finalizer is released only after the
// commit that removes the order's files is pushed (docs/adr/0025-gitops-committer.md).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { startSealedSecretsController, type SealedSecretsController } from "../../scripts/cluster/sealed-secrets.ts";
import { openStatusStore, type StatusStore } from "../../src/platform/database/index.ts";
import { connectionUrl, createPostgresServer, destroyServerSync, type PostgresServerInfo } from "../db/support/postgres-server.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { startControllerProcess, type ControllerProcess } from "../e2e/support/controller-process.ts";
import { adminKubeConfig, createNamespace, eventually, rawRequest, uniqueName, type KubeObject } from "../e2e/support/kube.ts";
import { sshEd25519Key } from "../support/sealing.ts";
import { ArgoApplications, describeApplication, exampleApplication } from "./support/argocd-app.ts";
import { gitopsOrder } from "./support/fixture.ts";
import { dataVolumePath, getObject, playOrderReady, secretPath, servicePath, vmPath } from "./support/play-kubevirt.ts";
import { RenderedRepo } from "./support/rendered-repo.ts";
import { writeGitCredentialsDir } from "../../scripts/cluster/git-server.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const ordersNamespace = uniqueName("orders");
const TENANT = "committed";
const tenantNs = tenantNamespace(ordersNamespace, TENANT);
const ORDERS = `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNamespace}/virtualmachines`;
const FINALIZER = "cloudkit.openshift.io/osac-vm-committer";
const USER_DATA = `#cloud-config\nchpasswd:\n  list: |\n    admin:${randomBytes(12).toString("base64")}\n  expire: false\n`;
const SSH_KEY = sshEd25519Key(randomBytes(32), "committer-test@example");

type Order = KubeObject & { status?: { conditions?: { type: string; status: string; reason: string; message: string }[]; desiredConfigVersion?: string; reconciledConfigVersion?: string; phase?: string } };

let work: string;
let repo: RenderedRepo;
let appName: string;
let seed: string;
let sealedSecrets: SealedSecretsController;
let committer: ControllerProcess;
let controller: ControllerProcess;
/** The controller's database: a real PostgreSQL, read by the test as fulfillment-service would. */
let pg: PostgresServerInfo;
let store: StatusStore;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** git on the server's bare repository itself (what was really pushed). */
function bareGit(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("git", [`--git-dir=${repo.bareDir}`, ...args], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(" ")}: ${stderr.trim() || error.message}`)) : resolve(stdout),
    ),
  );
}

async function getOrder(name: string): Promise<Order | undefined> {
  return (await getObject(admin, `${ORDERS}/${name}`)) as Order | undefined;
}

const committedOf = (order: Order | undefined) => order?.status?.conditions?.find((condition) => condition.type === "Committed");

/** Polls until `check` returns a value; on timeout fails with `describe()` and the committer's last log lines. */
async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, describe: () => Promise<string>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${await describe()}\ncommitter log tail:\n${committer.log().trimEnd().split("\n").slice(-20).join("\n")}`);
    await sleep(250);
  }
}

/** The order's `Pushed` Committed condition: commit and config version. */
async function waitPushed(name: string): Promise<{ commit: string; configVersion: string }> {
  return waitUntil(
    `order ${name} to be Committed`,
    async () => {
      const match = /^Pushed commit ([0-9a-f]{40}) with config version (\S+)$/.exec(committedOf(await getOrder(name))?.message ?? "");
      return match ? { commit: match[1]!, configVersion: match[2]! } : undefined;
    },
    async () => JSON.stringify((await getOrder(name))?.status ?? {}, null, 2),
  );
}

const refusePushes = () => fs.writeFileSync(path.join(repo.bareDir, "hooks", "pre-receive"), "#!/bin/sh\necho 'pushes are closed for maintenance' >&2\nexit 1\n", { mode: 0o755 });
const acceptPushes = () => fs.rmSync(path.join(repo.bareDir, "hooks", "pre-receive"), { force: true });

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-gitops-committer-"));
  const leaseNamespace = uniqueName("lease");
  await createNamespace(admin, leaseNamespace);
  await createNamespace(admin, ordersNamespace);
  sealedSecrets = await startSealedSecretsController({ kubeconfigPath: ctx.cluster.kubeconfigPath, keyNamespace: uniqueName("sealed-secrets"), log: (line) => process.stderr.write(`[gitops] ${line}\n`) });
  const certificateFile = path.join(work, "sealing.pem");
  fs.writeFileSync(certificateFile, await sealedSecrets.certificatePem());
  const keyFile = path.join(work, "value.key");
  fs.writeFileSync(keyFile, randomBytes(48), { mode: 0o600 });
  const credentials = writeGitCredentialsDir(ctx.git, work);

  // Someone else's commit first: the committer shares the branch and never touches their files.
  repo = await RenderedRepo.create(ctx.git, "committer");
  repo.writeFile("README.md", "Rendered orders, committed by osac-vm committer.\n");
  repo.writeFile("rendered/README.md", "One directory per tenant namespace.\n");
  seed = await repo.commitAndPush("Seed the repository");
  appName = uniqueName("committer");
  await apps.apply(exampleApplication(appName, repo.url));
  await apps.waitSynced(appName, { revision: seed, timeoutMs: 120_000 });

  committer = await startControllerProcess({
    kubeconfigPath: ctx.cluster.kubeconfigPath,
    leaseNamespace,
    identity: "committer-0",
    logLevel: "info",
    command: ["committer"],
    extraArgs: [
      "--repository", repo.url,
      "--git-credentials-dir", credentials,
      "--sealing-certificate-file", certificateFile,
      "--sealing-key-file", keyFile,
      "--order-namespaces", ordersNamespace,
      "--argocd-namespace", "argocd",
    ],
  });
  pg = await createPostgresServer();
  store = await openStatusStore({ databaseUrl: connectionUrl(pg), postgres: { connectionTimeoutMs: 2_000, queryTimeoutMs: 5_000 } });
  controller = await startControllerProcess({
    kubeconfigPath: ctx.cluster.kubeconfigPath,
    leaseNamespace,
    identity: "controller-0",
    databaseUrl: connectionUrl(pg),
    logLevel: "info",
    extraArgs: ["--order-namespaces", ordersNamespace, "--tenant-namespaces", tenantNs, "--config-version-key-file", keyFile],
  });
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => void process.stderr.write(`\n----- committer log tail -----\n${committer?.log().split("\n").slice(-40).join("\n")}\n----- controller log tail -----\n${controller?.log().split("\n").slice(-20).join("\n")}\n`));
});

afterAll(async () => {
  acceptPushes();
  await committer?.stop();
  await controller?.stop();
  await store?.close().catch(() => {});
  if (pg) destroyServerSync(pg);
  await sealedSecrets?.stop();
  if (appName) await apps.delete(appName);
  repo?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("GIVEN the committer, the Git server, Argo CD and the sealed-secrets controller", () => {
  let first: { commit: string; configVersion: string };
  /** The branch's tip once both orders are committed. */
  let head: string;

  it("WHEN two orders are created through the API one after the other THEN each lands in one commit with its files, sealed, its Committed condition names that commit, and Argo CD applies them", async () => {
    const withUserData = gitopsOrder("with-user-data", ordersNamespace, TENANT, { cloud_init_config: Buffer.from(USER_DATA).toString("base64"), ssh_public_key: SSH_KEY });
    const plain = gitopsOrder("plain", ordersNamespace, TENANT);
    const post = async (order: object) => {
      const created = await rawRequest(admin, "POST", ORDERS, JSON.stringify(order));
      expect(created.status, created.body).toBe(201);
    };
    const filesOf = async (commit: string) => (await bareGit("diff-tree", "--no-commit-id", "--name-only", "-r", commit)).trim().split("\n").sort();
    // Each order with the (keyed) config version stamped on its children (the condition carries the order's desiredConfigVersion).
    const listed = (name: string) => new RegExp(`^  VirtualMachine ${ordersNamespace}/${name} \\(config version hmac-sha256:[0-9a-f]{32}\\)$`, "m");

    // One order (orders arriving together share a commit: the git suite proves the batching).
    await post(withUserData);
    first = await waitPushed("with-user-data");
    expect((await bareGit("rev-list", `${seed}..main`)).trim().split("\n")).toEqual([first.commit]);
    expect(await filesOf(first.commit)).toEqual([`rendered/${tenantNs}/_namespace.yaml`, `rendered/${tenantNs}/with-user-data.yaml`]);
    expect(await bareGit("log", "-1", "--format=%B", first.commit)).toMatch(listed("with-user-data"));
    // The next order: one more commit with its file only.
    await post(plain);
    const second = await waitPushed("plain");
    head = second.commit;
    expect((await bareGit("rev-list", `${first.commit}..main`)).trim().split("\n")).toEqual([second.commit]);
    expect(await filesOf(second.commit)).toEqual([`rendered/${tenantNs}/plain.yaml`]);
    expect(await bareGit("log", "-1", "--format=%B", second.commit)).toMatch(listed("plain"));
    // The seed's files are untouched.
    expect(await bareGit("show", `${head}:rendered/README.md`)).toBe("One directory per tenant namespace.\n");

    // Sealed: SealedSecrets in the file, and nothing of the user data or the key in the whole history.
    const file = await bareGit("show", `${first.commit}:rendered/${tenantNs}/with-user-data.yaml`);
    expect(file).toMatch(/^kind: SealedSecret$/m);
    expect(file).not.toMatch(/^kind: Secret$/m);
    const history = await bareGit("log", "-p", "--all", "--format=%H%n%B");
    for (const secret of [USER_DATA, SSH_KEY, SSH_KEY.split(" ")[1]!]) {
      expect(history.includes(secret), "plaintext in git log -p").toBe(false);
      expect(history.includes(Buffer.from(secret).toString("base64")), "base64 in git log -p").toBe(false);
    }

    // Argo CD: told by the committer (its refresh), synced at that commit, children applied.
    const app = await apps.waitSynced(appName, { revision: head, timeoutMs: 120_000 });
    expect(app.status?.sync?.status, describeApplication(app)).toBe("Synced");
    expect(await committer.metrics()).toMatch(/^osac_vm_committer_argocd_refreshes_total\{result="requested"\} [1-9]/m);
    for (const order of ["with-user-data", "plain"]) {
      for (const child of [vmPath(tenantNs, order), servicePath(tenantNs, `${order}-load-balancer`), dataVolumePath(tenantNs, `${order}-root-disk`)]) {
        expect(await getObject(admin, child), child).toBeDefined();
      }
    }
    // The sealed-secrets controller decrypted the user data into the Secret KubeVirt reads.
    const secret = await waitUntil(
      "the cloud-init Secret decrypted by the sealed-secrets controller",
      async () => (await getObject(admin, secretPath(tenantNs, "with-user-data-cloud-init"))) as (KubeObject & { data?: Record<string, string> }) | undefined,
      async () => sealedSecrets.log().split("\n").slice(-15).join("\n"),
    );
    expect(Buffer.from(secret.data?.userData ?? "", "base64").toString()).toBe(USER_DATA);
  });

  it("WHEN KubeVirt reports the VMs running THEN the orders are Ready at the committed config version", async () => {
    for (const order of ["with-user-data", "plain"]) await playOrderReady(admin, tenantNs, order, order === "plain" ? "192.0.2.10" : "192.0.2.11");
    const order = await waitUntil(
      "order with-user-data to be Ready at its desired config version",
      async () => {
        const current = await getOrder("with-user-data");
        const status = current?.status;
        return status?.phase === "Ready" && status.reconciledConfigVersion && status.reconciledConfigVersion === status.desiredConfigVersion ? current : undefined;
      },
      async () => JSON.stringify((await getOrder("with-user-data"))?.status ?? {}, null, 2),
    );
    expect(committedOf(order)?.message).toBe(`Pushed commit ${first.commit} with config version ${first.configVersion}`);
    expect(order.status?.desiredConfigVersion).toBe(first.configVersion);
    // The database row matches the order: state, power, addresses and both config versions.
    await eventually(async () => {
      const row = await store.getVmState(String(order.metadata.uid));
      expect(row).toMatchObject({ namespace: ordersNamespace, name: "with-user-data", state: "READY", powerStatus: "POWERED_ON", desiredConfigVersion: first.configVersion, reconciledConfigVersion: first.configVersion });
      expect(row!.ipAddresses).toContain("192.0.2.11");
    }, 30_000, 250);
  });

  it("WHEN an order is deleted while the Git server refuses pushes THEN its finalizer holds until the removal commit is pushed and Argo CD pruned its VM", async () => {
    refusePushes();
    const deleted = await rawRequest(admin, "DELETE", `${ORDERS}/plain`);
    expect(deleted.status, deleted.body).toBe(200);
    // The removal cannot be pushed: the order stays, with the committer's finalizer, and says why.
    const held = await waitUntil(
      "order plain to say its removal is not pushed",
      async () => {
        const order = await getOrder("plain");
        return committedOf(order)?.status === "False" ? order : undefined;
      },
      async () => JSON.stringify(await getOrder("plain"), null, 2),
    );
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toContain(FINALIZER);
    expect(committedOf(held)?.reason).toMatch(/^Push(Rejected|Failed)$/);
    expect((await bareGit("rev-parse", "refs/heads/main")).trim()).toBe(head);
    expect(await getObject(admin, vmPath(tenantNs, "plain"))).toBeDefined();

    acceptPushes();
    await waitUntil(
      "order plain to be gone",
      async () => ((await getOrder("plain")) === undefined ? true : undefined),
      async () => JSON.stringify(await getOrder("plain"), null, 2),
    );
    // By then Argo CD has pruned the VM, and the committer deleted the disk Argo CD never prunes (ADR 19).
    expect(await getObject(admin, vmPath(tenantNs, "plain")), "the finalizer went before the VM was pruned").toBeUndefined();
    expect(await getObject(admin, dataVolumePath(tenantNs, "plain-root-disk")), "the finalizer went before the disk was deleted").toBeUndefined();
    const removal = (await bareGit("rev-parse", "refs/heads/main")).trim();
    expect((await bareGit("rev-list", `${head}..main`)).trim().split("\n")).toEqual([removal]);
    expect((await bareGit("diff-tree", "--no-commit-id", "--name-status", "-r", removal)).trim()).toBe(`D\trendered/${tenantNs}/plain.yaml`);
    expect(await bareGit("log", "-1", "--format=%B", removal)).toContain(`${ordersNamespace}/plain`);
    expect((await bareGit("ls-tree", "--name-only", removal, `rendered/${tenantNs}/`)).trim().split("\n").sort()).toEqual(
      [`rendered/${tenantNs}/_namespace.yaml`, `rendered/${tenantNs}/with-user-data.yaml`].sort(),
    );

    const app = await apps.waitSynced(appName, { revision: removal, timeoutMs: 120_000 });
    expect(app.status?.sync?.status, describeApplication(app)).toBe("Synced");
    await waitUntil(
      "Argo CD to prune plain's Service",
      async () => ((await getObject(admin, servicePath(tenantNs, "plain-load-balancer"))) === undefined ? true : undefined),
      async () => describeApplication(await apps.get(appName)),
    );
    expect(await getObject(admin, vmPath(tenantNs, "with-user-data"))).toBeDefined();
  });
});
