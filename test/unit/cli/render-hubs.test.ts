import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { runCli, snapshotTree, temporaryDirectory } from "../../support/cli.ts";
import { writeOrders } from "../../support/order-files.ts";
import { orderDocument, validOrder } from "../../support/orders.ts";
import { hybridDecrypt, rsaKeyPair, selfSignedCertificate } from "../../support/sealing.ts";

const USER_DATA = Buffer.from("#cloud-config\nchpasswd:\n  list: |\n    admin:Tr0ub4dor&3\n").toString("base64");
const HUB = "cloudkit.openshift.io/hub";

function hubDocument(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "Hub", metadata: { name }, spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: `${name}-kubeconfig` }, ...spec } };
}

interface Space {
  readonly root: string;
  readonly input: string;
  readonly out: string;
  readonly hubs: string;
  readonly key: string;
}

function space(hubs: object[]): Space {
  const root = temporaryDirectory();
  const input = join(root, "in");
  mkdirSync(input);
  const hubsFile = join(root, "hubs.yaml");
  writeFileSync(hubsFile, hubs.map((hub) => yaml.dump(hub)).join("---\n"));
  const key = join(root, "value.key");
  writeFileSync(key, `${randomBytes(48).toString("base64")}\n`, { mode: 0o600 });
  return { root, input, out: join(root, "out"), hubs: hubsFile, key };
}

const render = (s: Space, ...extra: string[]) => runCli(["render", "--in", s.input, "--out", s.out, "--hubs", s.hubs, ...extra]);
const tenantNamespace = validOrder({}, {}).tenantNamespace;
const documentsOf = (path: string) => yaml.loadAll(readFileSync(path, "utf8")) as any[];

function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (directory: string, prefix: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(directory, entry.name), `${prefix}${entry.name}/`);
      else found.push(`${prefix}${entry.name}`);
    }
  };
  if (existsSync(root)) walk(root, "");
  return found.sort();
}

describe("osac-vm render --hubs", () => {
  it("GIVEN two hubs with their own certificates THEN each order goes to hubs/<hub>/<tenant>/, sealed for its hub only, with the Argo CD objects; a re-render writes nothing", async () => {
    const keysA = rsaKeyPair(2048, "hub-a");
    const keysB = rsaKeyPair(2048, "hub-b");
    const s = space([
      hubDocument("hub-a", { sealingCertificate: selfSignedCertificate(keysA.publicKey), argocdClusterName: "cluster-a" }),
      hubDocument("hub-b", { sealingCertificate: selfSignedCertificate(keysB.publicKey), defaultStorageClass: "fast" }),
    ]);
    writeOrders(s.input, [
      orderDocument({ cloud_init_config: USER_DATA }, { name: "vm-on-a", annotations: { [HUB]: "hub-a" } }),
      orderDocument({ cloud_init_config: USER_DATA }, { name: "vm-on-b", annotations: { [HUB]: "hub-b" } }),
    ]);
    const run = await render(s, "--seal-key-file", s.key, "--argocd-repo-url", "https://git.example.com/r.git", "--argocd-path", "rendered");
    expect(run.stderr).toContain("Rendered 2 order(s) for 2 hub(s) (hub-a: 1, hub-b: 1)");
    expect(run.code).toBe(0);
    expect(filesUnder(s.out)).toEqual([
      `argocd/applications/hub-a.${tenantNamespace}.yaml`,
      `argocd/applications/hub-b.${tenantNamespace}.yaml`,
      `argocd/projects/osac-vm.${tenantNamespace}.yaml`,
      `hubs/hub-a/${tenantNamespace}/_namespace.yaml`,
      `hubs/hub-a/${tenantNamespace}/vm-on-a.yaml`,
      `hubs/hub-b/${tenantNamespace}/_namespace.yaml`,
      `hubs/hub-b/${tenantNamespace}/vm-on-b.yaml`,
    ]);
    const sealedOf = (hub: string, order: string) => documentsOf(join(s.out, "hubs", hub, tenantNamespace, `${order}.yaml`)).find((d) => d.kind === "SealedSecret" && d.metadata.name.endsWith("cloud-init"));
    const onA = sealedOf("hub-a", "vm-on-a");
    const label = `${tenantNamespace}/${onA.metadata.name}`;
    const [field, ciphertext] = Object.entries(onA.spec.encryptedData as Record<string, string>)[0]!;
    expect(hybridDecrypt(keysA.privateKey, Buffer.from(ciphertext, "base64"), label).length).toBeGreaterThan(0);
    expect(() => hybridDecrypt(keysB.privateKey, Buffer.from(ciphertext, "base64"), label)).toThrow();
    expect(field).toBeTruthy();
    const onB = sealedOf("hub-b", "vm-on-b");
    const [, ciphertextB] = Object.entries(onB.spec.encryptedData as Record<string, string>)[0]!;
    expect(hybridDecrypt(keysB.privateKey, Buffer.from(ciphertextB, "base64"), `${tenantNamespace}/${onB.metadata.name}`).length).toBeGreaterThan(0);
    const dataVolumeB = documentsOf(join(s.out, "hubs/hub-b", tenantNamespace, "vm-on-b.yaml")).find((d) => d.kind === "DataVolume");
    expect(dataVolumeB.spec.pvc.storageClassName).toBe("fast");
    const app = documentsOf(join(s.out, `argocd/applications/hub-a.${tenantNamespace}.yaml`))[0];
    expect(app.spec.destination).toEqual({ name: "cluster-a", namespace: tenantNamespace });
    expect(app.spec.source.path).toBe(`rendered/hubs/hub-a/${tenantNamespace}`);

    const before = snapshotTree(s.out);
    const again = await render(s, "--seal-key-file", s.key, "--argocd-repo-url", "https://git.example.com/r.git", "--argocd-path", "rendered");
    expect(again.stderr).toContain("0 written, 0 removed, 7 unchanged");
    expect(snapshotTree(s.out)).toEqual(before);
    const check = await render(s, "--check", "--seal-key-file", s.key, "--argocd-repo-url", "https://git.example.com/r.git", "--argocd-path", "rendered");
    expect(check.code).toBe(0);
  });

  it("GIVEN an order with its own cloud-init for a hub without a certificate THEN exit 2 naming the order and the hub, and nothing is written", async () => {
    const s = space([hubDocument("hub-plain")]);
    writeOrders(s.input, [orderDocument({ cloud_init_config: USER_DATA }, { name: "vm-secret", annotations: { [HUB]: "hub-plain" } })]);
    const run = await render(s);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("VirtualMachine cloudkit-vm-orders/vm-secret: spec.templateParameters.cloud_init_config: it goes to hub 'hub-plain', which has no spec.sealingCertificate");
    expect(run.stderr).not.toContain("Tr0ub4dor");
    expect(existsSync(s.out)).toBe(false);
  });

  it("GIVEN a hub with a certificate and no --seal-key-file, or --seal-with THEN exit 2 naming the setting", async () => {
    const s = space([hubDocument("hub-a", { sealingCertificate: selfSignedCertificate(rsaKeyPair().publicKey) })]);
    writeOrders(s.input, [orderDocument({}, { name: "vm-a" })]);
    const noKey = await render(s);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("hub 'hub-a' spec.sealingCertificate: the hub has a sealing certificate, so --seal-key-file <file> is needed");
    const sealWith = await render(s, "--seal-with", join(s.root, "x.pem"), "--seal-key-file", s.key);
    expect(sealWith.code).toBe(2);
    expect(sealWith.stderr).toContain("--seal-with does not apply with --hubs");
    const stray = await runCli(["render", "--in", s.input, "--out", s.out, "--argocd-repo-url", "x"]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("--argocd-repo-url needs --hubs <file>");
    expect(existsSync(s.out)).toBe(false);
  });

  it("GIVEN unannotated orders THEN they are placed offline and stay on their hub when a new order is added; a hub that leaves the file is held by the removal guard", async () => {
    const s = space([hubDocument("hub-a", { capacity: { vcpus: 4 } }), hubDocument("hub-b", { capacity: { vcpus: 4 } })]);
    writeOrders(s.input, [orderDocument({ cpu_cores: 4 }, { name: "vm-m" }), orderDocument({ cpu_cores: 4 }, { name: "vm-n" })]);
    expect((await render(s)).code).toBe(0);
    const first = filesUnder(join(s.out, "hubs")).filter((path) => !path.endsWith("_namespace.yaml"));
    expect(first).toHaveLength(2);
    writeFileSync(s.hubs, [hubDocument("hub-a", { capacity: { vcpus: 8 } }), hubDocument("hub-b", { capacity: { vcpus: 8 } })].map((hub) => yaml.dump(hub)).join("---\n"));
    writeOrders(s.input, [orderDocument({ cpu_cores: 4 }, { name: "vm-a-first" }), orderDocument({ cpu_cores: 4 }, { name: "vm-m" }), orderDocument({ cpu_cores: 4 }, { name: "vm-n" })]);
    const grown = await render(s);
    expect(grown.code).toBe(0);
    const after = filesUnder(join(s.out, "hubs")).filter((path) => !path.endsWith("_namespace.yaml"));
    expect(after.filter((path) => !path.includes("vm-a-first"))).toEqual(first);

    const hubOfM = first.find((path) => path.endsWith("/vm-m.yaml"))!.split("/")[0]!;
    writeFileSync(s.hubs, yaml.dump(hubDocument(hubOfM === "hub-a" ? "hub-b" : "hub-a", { capacity: { vcpus: 64 } })));
    writeOrders(s.input, [orderDocument({ cpu_cores: 4 }, { name: "vm-a-first" }), orderDocument({ cpu_cores: 4 }, { name: "vm-n" })]);
    const before = snapshotTree(s.out);
    const refused = await render(s);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refusing to remove`);
    expect(refused.stderr).toContain(join(s.out, "hubs", hubOfM));
    expect(snapshotTree(s.out)).toEqual(before);
  });

  it("GIVEN orders carrying hub annotations THEN a render without --hubs is byte-identical to one of the same orders without them", async () => {
    const root = temporaryDirectory();
    writeOrders(join(root, "plain"), [orderDocument({}, { name: "vm-a" })]);
    writeOrders(join(root, "placed"), [orderDocument({}, { name: "vm-a", annotations: { [HUB]: "hub-a", "cloudkit.openshift.io/hub-selector": "region=eu" } })]);
    expect((await runCli(["render", "--in", join(root, "plain"), "--out", join(root, "out-plain")])).code).toBe(0);
    expect((await runCli(["render", "--in", join(root, "placed"), "--out", join(root, "out-placed")])).code).toBe(0);
    const strip = (tree: Map<string, { content: string }>) => new Map([...tree].map(([path, file]) => [path, file.content]));
    expect(strip(snapshotTree(join(root, "out-placed")))).toEqual(strip(snapshotTree(join(root, "out-plain"))));
  });
});
