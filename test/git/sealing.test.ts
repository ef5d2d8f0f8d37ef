// The commit loop with sealing: orders with their own cloud-init land as SealedSecrets, nothing in
// the repository's whole history shows a user data or SSH key in any encoding, unchanged values
// keep their ciphertext, deletions remove the files; without sealing such orders wait and say why.
import { randomBytes } from "node:crypto";
import yaml from "js-yaml";
import { desiredConfigVersion } from "../../src/domain/config-version.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSealingCertificate, parseValueKey, SecretSealer } from "../../src/gitops/sealing/index.ts";
import { encodings } from "../support/secrecy.ts";
import { rsaKeyPair, selfSignedCertificate, sshEd25519Key } from "../support/sealing.ts";
import { commitsOf } from "./support/clone.ts";
import { GitDaemon } from "./support/git-daemon.ts";
import { gitopsOrder, LoopHarness } from "./support/loop-harness.ts";

let daemon: GitDaemon;
beforeAll(async () => {
  daemon = await GitDaemon.start();
});
afterAll(async () => {
  await daemon?.stop();
});

const DIR = "rendered/orders-a4snha7u63pa6";
const sealer = () =>
  new SecretSealer({ certificate: parseSealingCertificate(selfSignedCertificate(rsaKeyPair().publicKey), "test", new Date()), valueKey: KEY, reseal: false });
const KEY = parseValueKey(randomBytes(48), "test key");

/** Everything the repository has ever held: every commit's message and every blob's content. */
function wholeHistory(repository: string): string {
  return daemon.git(repository, "log", "--all", "-p", "--format=%H%n%B", "--no-color", "--unified=100000");
}

describe("the commit loop with sealing", () => {
  const secrets = Array.from({ length: 3 }, (_, i) => ({
    userData: Buffer.from(`#cloud-config\npassword: ${randomBytes(12).toString("hex")}\nruncmd: [echo ${i}]\n`),
    sshKey: sshEd25519Key(randomBytes(32), `user${i}@example`),
  }));
  const ordersWithSecrets = () =>
    secrets.map((secret, i) => gitopsOrder(`vm-${i}`, { cloud_init_config: secret.userData.toString("base64"), ssh_public_key: secret.sshKey }));

  it("GIVEN orders with their own cloud-init and SSH keys THEN the whole history holds no user data or key in any encoding, and the children's config versions are keyed", async () => {
    const url = daemon.createRepository("sealed");
    const harness = LoopHarness.create({ url, sealer: sealer() });
    await harness.start();
    harness.put(...ordersWithSecrets());
    await harness.settled();
    // A change of another parameter, then a deletion, to put more history in the repository.
    harness.put(gitopsOrder("vm-0", { cpu_cores: "4", cloud_init_config: secrets[0]!.userData.toString("base64"), ssh_public_key: secrets[0]!.sshKey }));
    await harness.settled();
    const deleting = harness.orders.get("orders/vm-2")!;
    harness.put({ ...deleting, metadata: { ...deleting.metadata, deletionTimestamp: new Date().toISOString() as unknown as Date } });
    await harness.settled();
    expect(commitsOf(daemon, "sealed").map((commit) => commit.subject)).toEqual([
      "osac-vm committer: deleted 1 order(s)",
      "osac-vm committer: changed 1 order(s)",
      "osac-vm committer: created 3 order(s)",
    ]);
    expect(harness.targets.get("orders/vm-2")).toMatchObject({ kind: "value", value: { status: "True", reason: "Removed" } });

    const history = wholeHistory("sealed");
    for (const secret of secrets) {
      for (const form of [...encodings(secret.userData), ...encodings(Buffer.from(secret.sshKey))]) expect(history).not.toContain(form);
    }
    const documents = yaml.loadAll(daemon.git("sealed", "show", `main:${DIR}/vm-1.yaml`)) as { kind: string; metadata: { annotations?: Record<string, string> } }[];
    expect(documents.filter((document) => document.kind === "SealedSecret")).toHaveLength(2);
    expect(documents.some((document) => document.kind === "Secret")).toBe(false);
    for (const document of documents) expect(document.metadata.annotations?.["cloudkit.openshift.io/config-version"]).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    // Nor does any plain desiredConfigVersion (an unkeyed hash of the spec) appear anywhere.
    for (const order of harness.orders.values()) expect(history).not.toContain(desiredConfigVersion(order.spec));
    await harness.stop();
  });

  it("GIVEN unchanged orders THEN a restart with nothing cached changes no file; a changed CPU count keeps every ciphertext", async () => {
    const url = daemon.createRepository("no-churn");
    const first = LoopHarness.create({ url, sealer: sealer() });
    await first.start();
    first.put(...ordersWithSecrets());
    await first.settled();
    await first.stop();
    const before = daemon.git("no-churn", "show", `main:${DIR}/vm-1.yaml`);

    const restarted = LoopHarness.create({ url, sealer: sealer() });
    for (const order of first.orders.values()) restarted.orders.set(restarted.key(order), order);
    await restarted.start();
    await restarted.settled();
    expect(commitsOf(daemon, "no-churn")).toHaveLength(1);

    restarted.put(gitopsOrder("vm-1", { cpu_cores: "8", cloud_init_config: secrets[1]!.userData.toString("base64"), ssh_public_key: secrets[1]!.sshKey }));
    await restarted.settled();
    const after = daemon.git("no-churn", "show", `main:${DIR}/vm-1.yaml`);
    const ciphertexts = (text: string) =>
      (yaml.loadAll(text) as { kind: string; spec?: { encryptedData?: Record<string, string> } }[]).filter((d) => d.kind === "SealedSecret").map((d) => d.spec!.encryptedData);
    expect(after).not.toBe(before);
    expect(ciphertexts(after)).toEqual(ciphertexts(before));
    await restarted.stop();
  });

  it("GIVEN no sealing THEN an order with its own cloud-init is not written and says why; the others are", async () => {
    const url = daemon.createRepository("unsealed");
    const harness = LoopHarness.create({ url });
    await harness.start();
    harness.put(ordersWithSecrets()[0]!, gitopsOrder("vm-plain"));
    await harness.settled();
    expect(daemon.git("unsealed", "ls-tree", "-r", "--name-only", "main").trim().split("\n")).toEqual([`${DIR}/_namespace.yaml`, `${DIR}/vm-plain.yaml`]);
    expect(harness.targets.get("orders/vm-0")).toMatchObject({ kind: "value", value: { status: "False", reason: "SealingUnavailable" } });
    for (const form of encodings(secrets[0]!.userData)) expect(wholeHistory("unsealed")).not.toContain(form);
    await harness.stop();
  });
});
