// The commit loop with hubs (docs/adr/0033-committer-per-hub-output.md): orders annotated with a
// hub land under rendered/hubs/<hub>/<tenant-namespace>/, sealed with that hub's certificate only,
// with one Application per hub and tenant and one AppProject per tenant under rendered/argocd/;
// orders without the annotation keep the single-cluster layout; an unknown hub or a hub that cannot
// seal holds only its own order; the removal guard holds a batch that would empty most of a hub.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawObject } from "../../src/controller/cache/raw-object.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { parseValueKey } from "../../src/gitops/sealing/index.ts";
import { hubModel, type HubModel } from "../../src/hubs/hub-model.ts";
import type { ArgoCdSettings } from "../../src/render/hubs/argocd-objects.ts";
import { renderHubsTree } from "../../src/render/hubs/render-hubs-tree.ts";
import { encodings } from "../support/secrecy.ts";
import { hybridDecrypt, rsaKeyPair, selfSignedCertificate } from "../support/sealing.ts";
import { commitsOf, withClone } from "./support/clone.ts";
import { GitDaemon } from "./support/git-daemon.ts";
import { gitopsOrder, LoopHarness } from "./support/loop-harness.ts";

let daemon: GitDaemon;
beforeAll(async () => {
  daemon = await GitDaemon.start();
});
afterAll(async () => {
  await daemon?.stop();
});

const HUB_ANNOTATION = "cloudkit.openshift.io/hub";
const KEY_BYTES = randomBytes(48);
const KEY = parseValueKey(KEY_BYTES, "test key");
const ACME = tenantNamespace("orders", "acme");
const GLOBEX = tenantNamespace("orders", "globex");
const keysA = rsaKeyPair(2048, "hub-a");
const keysB = rsaKeyPair(2048, "hub-b");

function hub(name: string, spec: Record<string, unknown> = {}): HubModel {
  return hubModel({
    apiVersion: "gitops.cloudkit.openshift.io/v1alpha1",
    kind: "Hub",
    metadata: { name },
    spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: `${name}-kubeconfig` }, ...spec },
  } as never);
}

const sealedHubs = () => [
  hub("hub-a", { sealingCertificate: selfSignedCertificate(keysA.publicKey), argocdClusterName: "cluster-a" }),
  hub("hub-b", { sealingCertificate: selfSignedCertificate(keysB.publicKey), defaultStorageClass: "fast" }),
  hub("hub-plain"),
];

function argoCd(url: string): ArgoCdSettings {
  return { repoURL: url, targetRevision: "main", path: "rendered", namespace: "argocd" };
}

function onHub(order: RawObject, hubName: string): RawObject {
  order.metadata.annotations = { ...order.metadata.annotations, [HUB_ANNOTATION]: hubName };
  return order;
}

const userData = (n: number) => Buffer.from(`#cloud-config\npassword: ${randomBytes(12).toString("hex")}\nruncmd: [echo ${n}]\n`);

function files(repository: string): string[] {
  return daemon.git(repository, "ls-tree", "-r", "--name-only", "main").trim().split("\n").filter(Boolean);
}

function documents(repository: string, file: string): any[] {
  return yaml.loadAll(daemon.git(repository, "show", `main:${file}`)) as any[];
}

/** The value of the cloud-init SealedSecret of an order file, with the label it was sealed under. */
function sealedValue(repository: string, file: string): { ciphertext: Buffer; label: string } {
  const sealed = documents(repository, file).find((document) => document.kind === "SealedSecret" && document.metadata.name.endsWith("cloud-init"));
  const [, ciphertext] = Object.entries(sealed.spec.encryptedData as Record<string, string>)[0]!;
  return { ciphertext: Buffer.from(ciphertext, "base64"), label: `${sealed.metadata.namespace}/${sealed.metadata.name}` };
}

describe("the commit loop with hubs", () => {
  it("GIVEN orders on two hubs with their own certificates, one without a hub, one on an unknown hub and one with cloud-init for a hub without a certificate THEN each is where it belongs, sealed for its hub only, with the Argo CD objects; the others say why", async () => {
    const url = daemon.createRepository("two-hubs");
    const harness = LoopHarness.create({ url, hubs: { hubs: sealedHubs(), valueKey: KEY, argoCd: argoCd("https://git.example.com/fleet.git") } });
    await harness.start();
    const secretA = userData(1);
    const secretB = userData(2);
    const secretPlain = userData(3);
    harness.put(
      onHub(gitopsOrder("vm-a", { cloud_init_config: secretA.toString("base64") }), "hub-a"),
      onHub(gitopsOrder("vm-b", { cloud_init_config: secretB.toString("base64") }), "hub-b"),
      onHub(gitopsOrder("vm-b2", {}, "orders", "globex"), "hub-b"),
      gitopsOrder("vm-single"),
      onHub(gitopsOrder("vm-lost"), "hub-x"),
      onHub(gitopsOrder("vm-plain", { cloud_init_config: secretPlain.toString("base64") }), "hub-plain"),
    );
    await harness.settled();

    expect(files("two-hubs")).toEqual([
      `rendered/argocd/applications/hub-a.${ACME}.yaml`,
      `rendered/argocd/applications/hub-b.${ACME}.yaml`,
      `rendered/argocd/applications/hub-b.${GLOBEX}.yaml`,
      `rendered/argocd/projects/osac-vm.${ACME}.yaml`,
      `rendered/argocd/projects/osac-vm.${GLOBEX}.yaml`,
      `rendered/hubs/hub-a/${ACME}/_namespace.yaml`,
      `rendered/hubs/hub-a/${ACME}/vm-a.yaml`,
      `rendered/hubs/hub-b/${ACME}/_namespace.yaml`,
      `rendered/hubs/hub-b/${ACME}/vm-b.yaml`,
      `rendered/hubs/hub-b/${GLOBEX}/_namespace.yaml`,
      `rendered/hubs/hub-b/${GLOBEX}/vm-b2.yaml`,
      `rendered/${ACME}/_namespace.yaml`,
      `rendered/${ACME}/vm-single.yaml`,
    ]);
    // Each hub's Secret decrypts with that hub's key only.
    const onA = sealedValue("two-hubs", `rendered/hubs/hub-a/${ACME}/vm-a.yaml`);
    expect(hybridDecrypt(keysA.privateKey, onA.ciphertext, onA.label).length).toBeGreaterThan(0);
    expect(() => hybridDecrypt(keysB.privateKey, onA.ciphertext, onA.label)).toThrow();
    const onB = sealedValue("two-hubs", `rendered/hubs/hub-b/${ACME}/vm-b.yaml`);
    expect(hybridDecrypt(keysB.privateKey, onB.ciphertext, onB.label).length).toBeGreaterThan(0);
    expect(() => hybridDecrypt(keysA.privateKey, onB.ciphertext, onB.label)).toThrow();
    // The hub's storage class, its Argo CD cluster name, the Application's path and project.
    expect(documents("two-hubs", `rendered/hubs/hub-b/${ACME}/vm-b.yaml`).find((d) => d.kind === "DataVolume").spec.pvc.storageClassName).toBe("fast");
    const application = documents("two-hubs", `rendered/argocd/applications/hub-a.${ACME}.yaml`)[0];
    expect(application.spec.destination).toEqual({ name: "cluster-a", namespace: ACME });
    expect(application.spec.source).toMatchObject({ repoURL: "https://git.example.com/fleet.git", targetRevision: "main", path: `rendered/hubs/hub-a/${ACME}` });
    expect(documents("two-hubs", `rendered/argocd/projects/osac-vm.${ACME}.yaml`)[0].spec.destinations).toEqual([
      { name: "cluster-a", namespace: ACME },
      { name: "hub-b", namespace: ACME },
    ]);

    expect(harness.targets.get("orders/vm-a")).toMatchObject({ kind: "value", value: { status: "True", reason: "Pushed" } });
    expect(harness.targets.get("orders/vm-lost")).toMatchObject({ kind: "value", value: { status: "False", reason: "UnknownHub" } });
    expect((harness.targets.get("orders/vm-lost") as { value: { message: string } }).value.message).toContain("hub 'hub-x', which is not a Hub on this cluster (known: hub-a, hub-b, hub-plain)");
    expect(harness.targets.get("orders/vm-plain")).toMatchObject({ kind: "value", value: { status: "False", reason: "SealingUnavailable" } });
    expect((harness.targets.get("orders/vm-plain") as { value: { message: string } }).value.message).toContain("its hub 'hub-plain' has no spec.sealingCertificate");
    const history = daemon.git("two-hubs", "log", "--all", "-p", "--format=%H%n%B", "--no-color");
    for (const secret of [secretA, secretB, secretPlain]) for (const form of encodings(secret)) expect(history).not.toContain(form);
    // Commit messages carry keyed config versions only.
    expect(commitsOf(daemon, "two-hubs")[0]!.message).toMatch(/VirtualMachine orders\/vm-a \(config version hmac-sha256:/);

    // The unknown hub appears: its order is written (the committer marks the hub's orders), nothing else changes.
    const before = files("two-hubs");
    harness.hubModels.set("hub-x", hub("hub-x"));
    harness.loop.markHub("hub-x");
    harness.loop.markDirty("orders/vm-lost");
    await harness.settled();
    expect(files("two-hubs").filter((file) => !before.includes(file))).toEqual([
      `rendered/argocd/applications/hub-x.${ACME}.yaml`,
      `rendered/hubs/hub-x/${ACME}/_namespace.yaml`,
      `rendered/hubs/hub-x/${ACME}/vm-lost.yaml`,
    ]);

    // A restart with nothing cached commits nothing.
    const commits = commitsOf(daemon, "two-hubs").length;
    await harness.stop();
    const restarted = LoopHarness.create({ url, hubs: { hubs: [...harness.hubModels.values()], valueKey: KEY, argoCd: argoCd("https://git.example.com/fleet.git") } });
    for (const [key, order] of harness.orders) restarted.orders.set(key, order);
    await restarted.start();
    await restarted.settled();
    expect(commitsOf(daemon, "two-hubs")).toHaveLength(commits);

    // The last order of a tenant on a hub goes: its Application goes with it, the tenant's project follows.
    const deleting = restarted.orders.get("orders/vm-b2")!;
    restarted.put({ ...deleting, metadata: { ...deleting.metadata, deletionTimestamp: new Date().toISOString() as unknown as Date } });
    await restarted.settled();
    expect(files("two-hubs").filter((file) => file.includes(GLOBEX))).toEqual([]);
    expect(commitsOf(daemon, "two-hubs")[0]!.message).toMatch(/VirtualMachine orders\/vm-b2 \(config version hmac-sha256:/);
    expect(commitsOf(daemon, "two-hubs")[0]!.message).toContain(`Argo CD files removed: rendered/argocd/applications/hub-b.${GLOBEX}.yaml, rendered/argocd/projects/osac-vm.${GLOBEX}.yaml`);

    // An order whose annotation names another hub than where its file is: held, never moved.
    restarted.put(onHub(gitopsOrder("vm-single", { cpu_cores: "4" }), "hub-a"));
    await restarted.settled();
    expect(files("two-hubs")).toContain(`rendered/${ACME}/vm-single.yaml`);
    expect(restarted.targets.get("orders/vm-single")).toMatchObject({ kind: "value", value: { status: "False", reason: "HubChanged" } });
    await restarted.stop();
  });

  it("GIVEN the same orders and hubs THEN the committer's tree and render --hubs' tree are byte-identical, and a sealed tree rendered by either is current for the other", async () => {
    const plainHubs = [hub("hub-a", { argocdClusterName: "cluster-a" }), hub("hub-b", { defaultStorageClass: "fast" })];
    const orders = [
      onHub(gitopsOrder("vm-1"), "hub-a"),
      onHub(gitopsOrder("vm-2", { cpu_cores: "4" }), "hub-b"),
      onHub(gitopsOrder("vm-3", {}, "orders", "globex"), "hub-a"),
      onHub(gitopsOrder("vm-4", {}, "orders", "globex"), "hub-b"),
    ];
    const settings = argoCd("https://git.example.com/fleet.git");
    const url = daemon.createRepository("identical");
    const harness = LoopHarness.create({ url, hubs: { hubs: plainHubs, argoCd: settings } });
    await harness.start();
    harness.put(...orders);
    await harness.settled();
    await harness.stop();

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-hubs-identical-"));
    const input = path.join(work, "orders.yaml");
    fs.writeFileSync(input, orders.map((order) => yaml.dump(order)).join("---\n"));
    const out = path.join(work, "rendered");
    const rendered = await renderHubsTree({ inputs: [input], outDir: out, check: false, options: { profile: "gitops", allowPlainSecrets: false }, hubs: plainHubs, sealing: { reseal: false, now: new Date() }, argoCd: settings });
    expect(rendered.errors).toEqual([]);
    const committed = files("identical");
    expect(committed).toEqual(walk(out).map((file) => `rendered/${file}`));
    for (const file of committed) expect(daemon.git("identical", "show", `main:${file}`), file).toBe(fs.readFileSync(path.join(work, file), "utf8"));

    // Sealed: ciphertexts are random, so "identical" means each writer finds the other's files current.
    const sealed = sealedHubs().slice(0, 2);
    const sealedOrders = [onHub(gitopsOrder("vm-s1", { cloud_init_config: userData(4).toString("base64") }), "hub-a"), onHub(gitopsOrder("vm-s2", { cloud_init_config: userData(5).toString("base64") }), "hub-b")];
    const sealedUrl = daemon.createRepository("sealed-both-ways");
    const committer = LoopHarness.create({ url: sealedUrl, hubs: { hubs: sealed, valueKey: KEY, argoCd: settings } });
    await committer.start();
    committer.put(...sealedOrders);
    await committer.settled();
    await committer.stop();
    const sealedInput = path.join(work, "sealed.yaml");
    fs.writeFileSync(sealedInput, sealedOrders.map((order) => yaml.dump(order)).join("---\n"));
    const checkout = path.join(work, "checkout");
    execFileSync("git", ["clone", "--quiet", sealedUrl, checkout]);
    const request = { inputs: [sealedInput], outDir: path.join(checkout, "rendered"), options: { profile: "gitops" as const, allowPlainSecrets: false }, hubs: sealed, sealing: { valueKey: KEY, reseal: false, now: new Date() }, argoCd: settings };
    const check = await renderHubsTree({ ...request, check: true });
    expect(check.errors).toEqual([]);
    expect(check.report).toMatchObject({ changed: [], removed: [] });

    // The other way: render --hubs' tree committed by hand, then the committer starts on it and commits nothing.
    const renderedUrl = daemon.createRepository("rendered-first");
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "osac-hubs-rendered-"));
    const renderedFirst = await renderHubsTree({ ...request, outDir: tree, check: false });
    expect(renderedFirst.errors).toEqual([]);
    withClone(renderedUrl, (clone) => {
      for (const file of walk(tree)) clone.write(`rendered/${file}`, fs.readFileSync(path.join(tree, file), "utf8"));
      clone.commitAndPush("rendered by osac-vm render --hubs");
    });
    const tip = () => commitsOf(daemon, "rendered-first");
    expect(tip()).toHaveLength(1);
    const second = LoopHarness.create({ url: renderedUrl, hubs: { hubs: sealed, valueKey: KEY, argoCd: settings } });
    for (const order of sealedOrders) second.orders.set(second.key(order), order);
    await second.start();
    await second.settled();
    expect(tip()).toHaveLength(1);
    expect(second.targets.get(second.key(sealedOrders[0]!))).toMatchObject({ kind: "current" });
    await second.stop();
  });

  it("GIVEN a batch that would remove most of one hub's orders THEN it is held back naming the hub, though the fleet's limits allow it", async () => {
    const url = daemon.createRepository("hub-guard");
    const harness = LoopHarness.create({ url, hubs: { hubs: [hub("hub-a"), hub("hub-b")], argoCd: argoCd(url) } });
    await harness.start();
    harness.put(...["vm-a1", "vm-a2", "vm-a3"].map((name) => onHub(gitopsOrder(name), "hub-a")));
    harness.put(...Array.from({ length: 12 }, (_, i) => onHub(gitopsOrder(`vm-b${i}`), "hub-b")));
    await harness.settled();
    const commits = commitsOf(daemon, "hub-guard").length;
    harness.remove("orders/vm-a1", "orders/vm-a2");
    await harness.settled();
    await harness.until("the removal to be held", () => harness.logLines.join("").includes("Held back the removal of 2 of the 3 order file(s) of hubs/hub-a"));
    expect(commitsOf(daemon, "hub-guard")).toHaveLength(commits);
    expect(files("hub-guard")).toContain(`rendered/hubs/hub-a/${ACME}/vm-a1.yaml`);
    expect(harness.loop.heldBackCount).toBe(2);

    // One of hub-b's twelve is within every limit, and goes (the held removals still wait).
    harness.remove("orders/vm-b0");
    await harness.settled();
    await harness.until("the allowed removal", () => !files("hub-guard").includes(`rendered/hubs/hub-b/${ACME}/vm-b0.yaml`));
    expect(files("hub-guard")).toContain(`rendered/hubs/hub-a/${ACME}/vm-a1.yaml`);
    await harness.stop();
  });
});

function walk(root: string): string[] {
  const found: string[] = [];
  const visit = (directory: string, prefix: string) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(path.join(directory, entry.name), `${prefix}${entry.name}/`);
      else found.push(`${prefix}${entry.name}`);
    }
  };
  visit(root, "");
  return found.sort();
}
