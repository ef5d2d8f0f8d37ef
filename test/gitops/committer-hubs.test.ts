// `osac-vm committer --hubs` on the real parts (docs/adr/0033-committer-per-hub-output.md): two more
// control planes are hubs, each with its own real sealed-secrets controller, registered with Argo CD
// by cluster Secrets and on the management cluster as Hub objects carrying that controller's
// certificate; orders created through the API with cloudkit.openshift.io/hub are committed by the
// real committer process under rendered/hubs/<hub>/, sealed for their hub, with the generated Argo
// CD objects under rendered/argocd/. Those objects, applied as committed, make each hub's
// Application sync only that hub's orders, to that hub's cluster, whose controller decrypts them.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { ARGOCD_NAMESPACE } from "../../scripts/cluster/argocd.ts";
import type { ControlPlane } from "../../scripts/cluster/harness.ts";
import { startSealedSecretsController, type SealedSecretsController } from "../../scripts/cluster/sealed-secrets.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { startControllerProcess, type ControllerProcess } from "../e2e/support/controller-process.ts";
import { adminKubeConfig, createNamespace, rawRequest, ResourceMapper, serverSideApply, uniqueName, type KubeObject } from "../e2e/support/kube.ts";
import { ArgoApplications, describeApplication, type Application } from "./support/argocd-app.ts";
import { gitopsOrder } from "./support/fixture.ts";
import { RenderedRepo } from "./support/rendered-repo.ts";
import { hubAdmin, registerCluster, startHubPlanes, vmNamesOn } from "./support/hub-planes.ts";
import { writeGitCredentialsDir } from "../../scripts/cluster/git-server.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const mapper = new ResourceMapper(admin);
const TEST_MANAGER = "gitops-committer-hubs-test";
const HUB_ANNOTATION = "cloudkit.openshift.io/hub";
const HUBS = "/apis/gitops.cloudkit.openshift.io/v1alpha1/hubs";
const suffix = Math.random().toString(36).slice(2, 7);
const H = { a: `ch-a-${suffix}`, b: `ch-b-${suffix}` };
const ordersNamespace = uniqueName("hub-commits");
const TENANT = "hub-committed";
const tenantNs = tenantNamespace(ordersNamespace, TENANT);
const ORDERS = `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNamespace}/virtualmachines`;

let work: string;
let hubA: ControlPlane;
let hubB: ControlPlane;
let repo: RenderedRepo;
let committer: ControllerProcess;
let sealedSecrets: SealedSecretsController[] = [];
const applied: KubeObject[] = [];
const userData = (hub: string) => `#cloud-config\nchpasswd:\n  list: |\n    ${hub}:${randomBytes(12).toString("base64")}\n  expire: false\n`;
const USER_DATA = { a: userData("a"), b: userData("b") };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function bareGit(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("git", [`--git-dir=${repo.bareDir}`, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(" ")}: ${stderr.trim() || error.message}`)) : resolve(stdout),
    ),
  );
}

type Order = KubeObject & { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };

async function committedOf(name: string) {
  const response = await rawRequest(admin, "GET", `${ORDERS}/${name}`);
  if (response.status !== 200) return undefined;
  return (JSON.parse(response.body) as Order).status?.conditions?.find((condition) => condition.type === "Committed");
}

async function waitCommitted(name: string, reason: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const condition = await committedOf(name);
    if (condition?.reason === reason) return condition;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} to be Committed ${reason}; it says ${JSON.stringify(condition)}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  const log = (line: string) => process.stderr.write(`[gitops committer-hubs] ${line}\n`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-gitops-committer-hubs-"));
  [hubA, hubB] = await startHubPlanes(log);
  await registerCluster(admin, mapper, TEST_MANAGER, `cluster-${H.a}`, hubA);
  await registerCluster(admin, mapper, TEST_MANAGER, `cluster-${H.b}`, hubB);
  // Each hub's own sealed-secrets controller, whose certificate its Hub carries.
  sealedSecrets = await Promise.all([hubA, hubB].map((cp) => startSealedSecretsController({ kubeconfigPath: cp.kubeconfigPath, keyNamespace: uniqueName("sealed-secrets"), keySizeBits: 2048, log })));
  for (const [index, name] of [H.a, H.b].entries()) {
    const hub = {
      apiVersion: "gitops.cloudkit.openshift.io/v1alpha1",
      kind: "Hub",
      metadata: { name },
      spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: `${name}-kubeconfig` }, argocdClusterName: `cluster-${name}`, sealingCertificate: await sealedSecrets[index]!.certificatePem() },
    };
    await serverSideApply(admin, mapper, hub as unknown as KubeObject, TEST_MANAGER);
  }
  const keyFile = path.join(work, "value.key");
  fs.writeFileSync(keyFile, randomBytes(48), { mode: 0o600 });
  const leaseNamespace = uniqueName("lease");
  await createNamespace(admin, leaseNamespace);
  await createNamespace(admin, ordersNamespace);
  const credentials = writeGitCredentialsDir(ctx.git, work);
  repo = await RenderedRepo.create(ctx.git, "committer-hubs");
  committer = await startControllerProcess({
    kubeconfigPath: ctx.cluster.kubeconfigPath,
    leaseNamespace,
    identity: "committer-hubs-0",
    logLevel: "info",
    command: ["committer"],
    extraArgs: ["--repository", repo.url, "--git-credentials-dir", credentials, "--hubs", "--sealing-key-file", keyFile, "--order-namespaces", ordersNamespace, "--argocd-namespace", ARGOCD_NAMESPACE],
  });
}, 300_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => void process.stderr.write(`\n----- committer log tail -----\n${committer?.log().split("\n").slice(-40).join("\n")}\n`));
});

afterAll(async () => {
  await committer?.stop();
  await Promise.all(sealedSecrets.map((controller) => controller.stop()));
  for (const object of applied.filter((o) => o.kind === "Application")) await apps.delete(object.metadata.name).catch(() => {});
  for (const hub of [H.a, H.b]) {
    await rawRequest(admin, "DELETE", `/api/v1/namespaces/${ARGOCD_NAMESPACE}/secrets/cluster-cluster-${hub}`).catch(() => {});
    await rawRequest(admin, "DELETE", `${HUBS}/${hub}`).catch(() => {});
  }
  await Promise.all([hubA?.stop(), hubB?.stop()]);
  repo?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("GIVEN the committer with --hubs, two Hubs and Argo CD with a cluster Secret per hub", () => {
  it("WHEN orders are created on each hub and on an unknown one THEN each is committed under its hub, sealed for it, with the Argo CD objects, which sync only that hub's orders to its cluster", async () => {
    const onHub = (name: string, hub: string, parameters: Record<string, unknown> = {}) => {
      const order = gitopsOrder(name, ordersNamespace, TENANT, parameters);
      return { ...order, metadata: { ...order.metadata, annotations: { ...order.metadata.annotations, [HUB_ANNOTATION]: hub } } };
    };
    for (const order of [onHub("vm-a1", H.a, { cloud_init_config: Buffer.from(USER_DATA.a).toString("base64") }), onHub("vm-a2", H.a), onHub("vm-b1", H.b, { cloud_init_config: Buffer.from(USER_DATA.b).toString("base64") }), onHub("vm-lost", `nowhere-${suffix}`)]) {
      const created = await rawRequest(admin, "POST", ORDERS, JSON.stringify(order));
      expect(created.status, created.body).toBe(201);
    }
    for (const name of ["vm-a1", "vm-a2", "vm-b1"]) await waitCommitted(name, "Pushed");
    expect((await waitCommitted("vm-lost", "UnknownHub")).message).toContain(`hub 'nowhere-${suffix}', which is not a Hub on this cluster`);
    const head = (await bareGit("rev-parse", "refs/heads/main")).trim();
    const files = (await bareGit("ls-tree", "-r", "--name-only", head)).trim().split("\n").sort();
    expect(files).toEqual([
      `rendered/argocd/applications/${H.a}.${tenantNs}.yaml`,
      `rendered/argocd/applications/${H.b}.${tenantNs}.yaml`,
      `rendered/argocd/projects/osac-vm.${tenantNs}.yaml`,
      `rendered/hubs/${H.a}/${tenantNs}/_namespace.yaml`,
      `rendered/hubs/${H.a}/${tenantNs}/vm-a1.yaml`,
      `rendered/hubs/${H.a}/${tenantNs}/vm-a2.yaml`,
      `rendered/hubs/${H.b}/${tenantNs}/_namespace.yaml`,
      `rendered/hubs/${H.b}/${tenantNs}/vm-b1.yaml`,
    ]);

    // The committed Argo CD objects, applied as they are (what the operator's app of apps does).
    for (const file of files.filter((f) => f.startsWith("rendered/argocd/")).sort((a, b) => (a.includes("/projects/") ? -1 : b.includes("/projects/") ? 1 : 0))) {
      for (const document of yaml.loadAll(await bareGit("show", `${head}:${file}`)) as KubeObject[]) {
        if (!document) continue;
        applied.push(document);
        await serverSideApply(admin, mapper, document, TEST_MANAGER);
      }
    }
    const application = applied.find((object) => object.kind === "Application" && object.metadata.name === `${H.a}.${tenantNs}`) as unknown as Application & { spec: { source: { repoURL: string; targetRevision: string } } };
    expect(application.spec.source).toMatchObject({ repoURL: repo.url, targetRevision: "main" });
    const synced: Application[] = [];
    for (const hub of [H.a, H.b]) {
      const app = await apps.waitSynced(`${hub}.${tenantNs}`, { revision: head, timeoutMs: 180_000 });
      expect(app.status?.operationState?.phase, describeApplication(app)).toBe("Succeeded");
      synced.push(app);
    }
    const vmsIn = (app: Application) => (app.status?.resources ?? []).filter((r) => r.kind === "VirtualMachine").map((r) => r.name).sort();
    expect(vmsIn(synced[0]!)).toEqual(["vm-a1", "vm-a2"]);
    expect(vmsIn(synced[1]!)).toEqual(["vm-b1"]);
    expect(await vmNamesOn(hubA, tenantNs)).toEqual(["vm-a1", "vm-a2"]);
    expect(await vmNamesOn(hubB, tenantNs)).toEqual(["vm-b1"]);
    const management = await rawRequest(admin, "GET", `/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachines`);
    expect(management.status === 404 || JSON.parse(management.body).items.length === 0).toBe(true);

    // Sealed for its hub: each hub's own controller decrypts its order's user data; none is in Git.
    for (const [cp, order, expected] of [[hubA, "vm-a1", USER_DATA.a], [hubB, "vm-b1", USER_DATA.b]] as const) {
      const deadline = Date.now() + 90_000;
      let secret: { data?: Record<string, string> } | undefined;
      while (!secret) {
        const response = await rawRequest(hubAdmin(cp), "GET", `/api/v1/namespaces/${tenantNs}/secrets/${order}-cloud-init`);
        if (response.status === 200) secret = JSON.parse(response.body);
        else if (Date.now() > deadline) throw new Error(`the ${order} cloud-init Secret was not decrypted on its hub:\n${sealedSecrets.map((c) => c.log().split("\n").slice(-10).join("\n")).join("\n")}`);
        else await sleep(250);
      }
      expect(Buffer.from(secret.data?.userData ?? "", "base64").toString()).toBe(expected);
    }
    const history = await bareGit("log", "-p", "--all", "--format=%H%n%B");
    for (const secret of [USER_DATA.a, USER_DATA.b]) {
      expect(history.includes(secret), "plaintext in git log -p").toBe(false);
      expect(history.includes(Buffer.from(secret).toString("base64")), "base64 in git log -p").toBe(false);
    }
  });
});
