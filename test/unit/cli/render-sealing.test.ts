import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { runCli, snapshotTree, temporaryDirectory } from "../../support/cli.ts";
import { orderDocument } from "../../support/orders.ts";
import { hybridDecrypt, rsaKeyPair, selfSignedCertificate, sshEd25519Key, type TestKeyPair } from "../../support/sealing.ts";

const NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
const USER_DATA = "#cloud-config\nchpasswd:\n  list: |\n    admin:Tr0ub4dor&3\n";
const SSH_KEYS = [sshEd25519Key(randomBytes(32), "alice@example"), sshEd25519Key(randomBytes(32), "bob@example")].join(",");

type KubeDocument = { kind: string; metadata: { name: string; namespace: string; annotations?: Record<string, string> }; data?: Record<string, string>; spec?: { encryptedData: Record<string, string> } };

interface Workspace {
  readonly root: string;
  readonly input: string;
  readonly out: string;
  readonly cert: string;
  readonly key: string;
}

function workspace(keys: TestKeyPair = rsaKeyPair()): Workspace {
  const root = temporaryDirectory();
  const input = join(root, "in");
  mkdirSync(input);
  const cert = join(root, "cert.pem");
  writeFileSync(cert, selfSignedCertificate(keys.publicKey));
  const key = join(root, "value.key");
  writeFileSync(key, `${randomBytes(48).toString("base64")}\n`, { mode: 0o600 });
  return { root, input, out: join(root, "out"), cert, key };
}

function writeOrders(space: Workspace, cpu = "2"): string {
  const documents = [
    orderDocument({ cloud_init_config: Buffer.from(USER_DATA).toString("base64"), ssh_public_key: SSH_KEYS, cpu_cores: cpu }, { name: "vm-both" }),
    orderDocument({ cloud_init_config: Buffer.from("#cloud-config\nbootcmd: [echo hi]\n").toString("base64") }, { name: "vm-own-cloud-init" }),
    orderDocument({ ssh_public_key: SSH_KEYS }, { name: "vm-keys-only" }),
  ];
  const file = join(space.input, "orders.yaml");
  writeFileSync(file, documents.map((document) => yaml.dump(document)).join("---\n"));
  return file;
}

const sealArgs = (space: Workspace, ...extra: string[]) => ["render", "--in", space.input, "--out", space.out, "--seal-with", space.cert, "--seal-key-file", space.key, ...extra];

function documents(path: string): KubeDocument[] {
  return yaml.loadAll(readFileSync(path, "utf8")) as KubeDocument[];
}

function sealedSecrets(out: string): Map<string, KubeDocument> {
  const found = new Map<string, KubeDocument>();
  for (const file of ["vm-both", "vm-own-cloud-init", "vm-keys-only"]) {
    for (const document of documents(join(out, NS, `${file}.yaml`))) if (document.kind === "SealedSecret") found.set(document.metadata.name, document);
  }
  return found;
}

describe("osac-vm render --seal-with --seal-key-file", () => {
  it("GIVEN orders with their own cloud-init and SSH keys THEN it writes SealedSecrets without --allow-plain-secrets, and each decrypts to the aap-parity Secret's bytes", async () => {
    const keys = rsaKeyPair();
    const space = workspace(keys);
    writeOrders(space);
    const run = await runCli(sealArgs(space));
    expect(run.stderr).toContain("Rendered 3 order(s)");
    expect(run.stderr).toContain("sealed 5 value(s) (5 new), reused 0");
    expect(run.code).toBe(0);

    const parityOut = join(space.root, "parity");
    expect((await runCli(["render", "--in", space.input, "--out", parityOut, "--profile", "aap-parity"])).code).toBe(0);
    const paritySecrets = ["vm-both", "vm-own-cloud-init", "vm-keys-only"].flatMap((file) => documents(join(parityOut, NS, `${file}.yaml`)).filter((document) => document.kind === "Secret"));
    const sealed = sealedSecrets(space.out);
    expect([...sealed.keys()].sort()).toEqual(paritySecrets.map((secret) => secret.metadata.name).sort());
    for (const secret of paritySecrets) {
      const sealedSecret = sealed.get(secret.metadata.name)!;
      const label = `${NS}/${secret.metadata.name}`;
      const decrypted = Object.fromEntries(
        Object.entries(sealedSecret.spec!.encryptedData).map(([key, value]) => [key, hybridDecrypt(keys.privateKey, Buffer.from(value, "base64"), label).toString("base64")]),
      );
      expect(decrypted, secret.metadata.name).toEqual(secret.data);
    }
  });

  it("GIVEN an order with its own cloud-init and no sealing THEN the plain-Secret refusal stays and names the sealing options", async () => {
    const space = workspace();
    writeOrders(space);
    const run = await runCli(["render", "--in", space.input, "--out", space.out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("seal it (--seal-with <cert.pem> --seal-key-file <file>), pass --allow-plain-secrets");
  });

  it("GIVEN unchanged orders THEN a re-render changes no byte and no mtime, and --check agrees", async () => {
    const space = workspace();
    writeOrders(space);
    await runCli(sealArgs(space));
    const before = snapshotTree(space.out);
    const run = await runCli(sealArgs(space));
    expect(run.stderr).toContain("0 written, 0 removed, 4 unchanged");
    expect(snapshotTree(space.out)).toEqual(before);
    const check = await runCli(sealArgs(space, "--check"));
    expect(check.code).toBe(0);
    expect(check.stderr).toContain("4 file(s) up to date");
  });

  it("GIVEN one changed order THEN only its file changes, and its sealed values keep their ciphertext", async () => {
    const space = workspace();
    writeOrders(space);
    await runCli(sealArgs(space));
    const before = sealedSecrets(space.out);
    const snapshot = snapshotTree(space.out);
    writeOrders(space, "8");
    const run = await runCli(sealArgs(space));
    expect(run.stderr).toContain("1 written");
    expect(run.stderr).toContain("sealed 0 value(s), reused 2");
    const after = snapshotTree(space.out);
    expect([...after.keys()].filter((path) => after.get(path)!.content !== snapshot.get(path)?.content)).toEqual([`${NS}/vm-both.yaml`]);
    for (const name of ["vm-both-cloud-init", "vm-both-ssh-public-key"]) {
      expect(sealedSecrets(space.out).get(name)!.spec!.encryptedData).toEqual(before.get(name)!.spec!.encryptedData);
    }
  });

  it("GIVEN a new certificate THEN exit 2 naming --reseal with nothing written; with --reseal every value is sealed again for the new key, and re-running changes nothing", async () => {
    const space = workspace();
    writeOrders(space);
    await runCli(sealArgs(space));
    const before = snapshotTree(space.out);
    const oldSealed = sealedSecrets(space.out);
    const rotated = rsaKeyPair(2048, "rotated");
    writeFileSync(space.cert, selfSignedCertificate(rotated.publicKey));

    const refused = await runCli(sealArgs(space));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/was sealed with the certificate SHA256:\S+, not with the given SHA256:\S+: .*Pass --reseal to re-seal every such value/);
    expect(refused.stderr).toContain(`nothing was written to ${space.out}`);
    expect(snapshotTree(space.out)).toEqual(before);

    const resealed = await runCli(sealArgs(space, "--reseal"));
    expect(resealed.code).toBe(0);
    expect(resealed.stderr).toContain("3 written");
    expect(resealed.stderr).toContain("sealed 5 value(s) (5 resealed), reused 0");
    for (const [name, sealedSecret] of sealedSecrets(space.out)) {
      for (const [key, value] of Object.entries(sealedSecret.spec!.encryptedData)) {
        expect(value, `${name}.${key}`).not.toBe(oldSealed.get(name)!.spec!.encryptedData[key]);
        expect(hybridDecrypt(rotated.privateKey, Buffer.from(value, "base64"), `${NS}/${name}`).length).toBeGreaterThan(0);
      }
    }
    const settled = snapshotTree(space.out);
    expect((await runCli(sealArgs(space, "--reseal"))).stderr).toContain("0 written");
    expect(snapshotTree(space.out)).toEqual(settled);
  });

  it("GIVEN another value key THEN every value is sealed again once, then stays", async () => {
    const space = workspace();
    writeOrders(space);
    await runCli(sealArgs(space));
    writeFileSync(space.key, randomBytes(40));
    expect((await runCli(sealArgs(space))).stderr).toContain("sealed 5 value(s) (5 changed), reused 0");
    expect((await runCli(sealArgs(space))).stderr).toContain("0 written");
  });

  it("GIVEN a key file others can read THEN it warns", async () => {
    const space = workspace();
    writeOrders(space);
    chmodSync(space.key, 0o644);
    const run = await runCli(sealArgs(space));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`warning: --seal-key-file ${space.key} can be read by other users (mode 0644); chmod 600 it`);
  });
});

describe("osac-vm render: bad sealing settings exit 2, name the option and write nothing", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey;
  it.each<[string, (space: Workspace) => string[], RegExp]>([
    ["a missing certificate file", (space) => sealArgs(space).map((arg) => (arg === space.cert ? `${space.cert}.missing` : arg)), /--seal-with: cannot read \S+cert\.pem\.missing: no such file/],
    ["a directory as certificate", (space) => sealArgs(space).map((arg) => (arg === space.cert ? space.root : arg)), /--seal-with: cannot read \S+: it is a directory/],
    ["a malformed certificate", (space) => (writeFileSync(space.cert, "not a certificate\n"), sealArgs(space)), /--seal-with: the file holds 18 bytes without a PEM block, not a PEM certificate/],
    [
      "an expired certificate",
      (space) => (writeFileSync(space.cert, selfSignedCertificate(rsaKeyPair().publicKey, { notBefore: new Date("2019-01-01"), notAfter: new Date("2020-01-01") })), sealArgs(space)),
      /--seal-with: the certificate 'CN=sealed-secret' expired on Jan {2}1 00:00:00 2020 GMT \(notAfter\)/,
    ],
    ["a non-RSA certificate", (space) => (writeFileSync(space.cert, selfSignedCertificate(ec)), sealArgs(space)), /--seal-with: the certificate 'CN=sealed-secret' holds a key of type EC \(prime256v1\); sealed-secrets seals with RSA keys/],
    ["a missing key file", (space) => sealArgs(space).map((arg) => (arg === space.key ? `${space.key}.missing` : arg)), /--seal-key-file: cannot read \S+value\.key\.missing: no such file/],
    ["a short key", (space) => (writeFileSync(space.key, "short\n"), sealArgs(space)), /--seal-key-file: the key holds 5 bytes; at least 32 random bytes are needed/],
    ["--seal-with without a key file", (space) => sealArgs(space).slice(0, -2), /--seal-with needs --seal-key-file <file>/],
    ["--seal-key-file without --seal-with", (space) => ["render", "--in", space.input, "--out", space.out, "--seal-key-file", space.key], /--seal-key-file needs --seal-with <cert\.pem>/],
    ["--reseal without --seal-with", (space) => ["render", "--in", space.input, "--out", space.out, "--reseal", "--allow-plain-secrets"], /--reseal needs --seal-with <cert\.pem>/],
    ["the aap-parity profile", (space) => sealArgs(space, "--profile", "aap-parity"), /--seal-with applies to the gitops profile; 'aap-parity' renders the role's plain Secrets/],
    [
      "a key file inside --out",
      (space) => {
        mkdirSync(space.out);
        writeFileSync(join(space.out, "value.key"), randomBytes(48));
        return sealArgs(space).map((arg) => (arg === space.key ? join(space.out, "value.key") : arg));
      },
      /--seal-key-file: \S+value\.key is inside the output directory \S+, which goes to Git; keep the key outside the repository/,
    ],
    [
      "a key file inside the output's Git repository",
      (space) => {
        mkdirSync(join(space.root, ".git"));
        return sealArgs(space);
      },
      /--seal-key-file: \S+value\.key is inside the Git repository \S+ that the output goes to; keep the key outside it/,
    ],
  ])("GIVEN %s", async (_, args, message) => {
    const space = workspace();
    writeOrders(space);
    const commandLine = args(space);
    const before = snapshotTree(space.root);
    const run = await runCli(commandLine);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(snapshotTree(space.root)).toEqual(before);
  });
});

describe("osac-vm validate with sealing options", () => {
  it("GIVEN the same sealing options as render THEN it accepts them, and a bad certificate exits 2 naming --seal-with", async () => {
    const space = workspace();
    const orders = writeOrders(space);
    const good = await runCli(["validate", orders, "--seal-with", space.cert, "--seal-key-file", space.key]);
    expect(good.code).toBe(0);
    writeFileSync(space.cert, "");
    const bad = await runCli(["validate", orders, "--seal-with", space.cert, "--seal-key-file", space.key]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--seal-with: the file is empty, not a PEM certificate");
  });
});
