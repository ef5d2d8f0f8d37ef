// The real sealed-secrets controller (v0.40.0, scripts/cluster/sealed-secrets.ts) decrypts every
// SealedSecret `osac-vm render --seal-with` writes, into Secrets holding the bytes the aap-parity
// profile renders for the same orders; an unchanged re-render changes no file; `--reseal` after a
// key rotation re-seals every value for the new key; a SealedSecret moved to another
// namespace/name does not decrypt (strict scope); the documented migration from plain Secrets
// (annotate them managed) works, and is needed. kubeseal --recovery-unseal cross-checks.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { startSealedSecretsController, type SealedSecretsController } from "../../scripts/cluster/sealed-secrets.ts";
import { parseSealingCertificate } from "../../src/gitops/sealing/index.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { orderDocument } from "../support/orders.ts";
import { sshEd25519Key } from "../support/sealing.ts";
import "./support/context.ts";
import { ResourceMapper, adminKubeConfig, eventually, rawRequest, serverSideApply, uniqueName, type KubeObject } from "./support/kube.ts";

const execFileAsync = promisify(execFile);
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");
const FIELD_MANAGER = "osac-vm-e2e";
const ctx = inject("e2e");
const kc = adminKubeConfig(ctx);
const mapper = new ResourceMapper(kc);

const ORDER_NAMESPACE = uniqueName("e2e-seal");
const TENANT = "sealing-tenant";
const TENANT_NAMESPACE = tenantNamespace(ORDER_NAMESPACE, TENANT);
const USER_DATA = `#cloud-config\nchpasswd:\n  list: |\n    admin:${randomBytes(9).toString("base64")}\n  expire: false\n`;
const SSH_KEYS = [0, 1, 2].map((index) => sshEd25519Key(randomBytes(32), `user${index}@example`));
const ORDERS = [
  orderDocument({}, { name: "vm-default", namespace: ORDER_NAMESPACE, tenant: TENANT }),
  orderDocument({ cloud_init_config: Buffer.from(USER_DATA).toString("base64") }, { name: "vm-cloud-init", namespace: ORDER_NAMESPACE, tenant: TENANT }),
  orderDocument({ ssh_public_key: SSH_KEYS[0] }, { name: "vm-one-key", namespace: ORDER_NAMESPACE, tenant: TENANT }),
  orderDocument(
    { cloud_init_config: Buffer.from(`${USER_DATA}runcmd: [echo multi]\n`).toString("base64"), ssh_public_key: `${SSH_KEYS[1]},${SSH_KEYS[2]}\n${SSH_KEYS[0]}` },
    { name: "vm-multi-key", namespace: ORDER_NAMESPACE, tenant: TENANT },
  ),
];

type Secret = KubeObject & { type?: string; data?: Record<string, string>; metadata: KubeObject["metadata"] & { labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> } };
type SealedSecret = KubeObject & { spec: { encryptedData: Record<string, string> }; metadata: KubeObject["metadata"] & { annotations: Record<string, string> } };

let controller: SealedSecretsController;
let work: string;
let certFile: string;
let keyFile: string;
const input = () => path.join(work, "in");
const out = () => path.join(work, "out");

async function osacVm(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await execFileAsync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, stderr: failed.stderr ?? String(error) };
  }
}

const sealedRender = (...extra: string[]) => osacVm(["render", "--in", input(), "--out", out(), "--seal-with", certFile, "--seal-key-file", keyFile, ...extra]);

function treeDocuments(root: string): KubeObject[] {
  const documents: KubeObject[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
    for (const document of yaml.loadAll(fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8"))) if (document) documents.push(document as KubeObject);
  }
  return documents;
}

function snapshot(root: string): Map<string, { content: string; mtimeMs: number }> {
  const files = new Map<string, { content: string; mtimeMs: number }>();
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, file), { content: fs.readFileSync(file, "utf8"), mtimeMs: fs.statSync(file).mtimeMs });
  }
  return files;
}

const sealedSecretsOf = (root: string) => treeDocuments(root).filter((document): document is SealedSecret => document.kind === "SealedSecret");

async function getObject<T>(apiPath: string): Promise<T | undefined> {
  const response = await rawRequest(kc, "GET", apiPath);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET ${apiPath}: HTTP ${response.status}: ${response.body.slice(0, 500)}`);
  return JSON.parse(response.body) as T;
}

interface SyncedState {
  generation: number;
  status?: { observedGeneration?: number; conditions?: Array<{ type: string; status: string; message?: string }> };
}

/** Waits until the controller has processed the SealedSecret's current generation; resolves with its Synced condition. */
async function syncedCondition(namespace: string, name: string): Promise<{ status: string; message?: string }> {
  return eventually(async () => {
    const object = await getObject<{ metadata: SyncedState; status?: SyncedState["status"] }>(`/apis/bitnami.com/v1alpha1/namespaces/${namespace}/sealedsecrets/${name}`);
    const condition = object?.status?.conditions?.find((candidate) => candidate.type === "Synced");
    if (!object || !condition || object.status?.observedGeneration !== object.metadata.generation) {
      throw new Error(`SealedSecret ${namespace}/${name} not processed yet; controller log:\n${controller.log().slice(-1500)}`);
    }
    return condition;
  }, 60_000, 200);
}

async function applyTree(root: string): Promise<void> {
  const documents = treeDocuments(root);
  for (const namespace of documents.filter((document) => document.kind === "Namespace")) await serverSideApply(kc, mapper, namespace, FIELD_MANAGER);
  for (const sealed of documents.filter((document) => document.kind === "SealedSecret")) await serverSideApply(kc, mapper, sealed, FIELD_MANAGER);
}

/** Every produced Secret equals the aap-parity Secret of the same name: data bytes, type, and the template's labels and annotations. */
async function expectParitySecrets(): Promise<void> {
  const parity = treeDocuments(path.join(work, "parity")).filter((document): document is Secret => document.kind === "Secret");
  const sealed = new Map(sealedSecretsOf(out()).map((document) => [document.metadata.name, document]));
  expect([...sealed.keys()].sort()).toEqual(parity.map((secret) => secret.metadata.name).sort());
  for (const expected of parity) {
    const name = expected.metadata.name;
    const condition = await syncedCondition(TENANT_NAMESPACE, name);
    expect(condition, `SealedSecret ${name}`).toMatchObject({ status: "True" });
    const live = (await getObject<Secret>(`/api/v1/namespaces/${TENANT_NAMESPACE}/secrets/${name}`))!;
    expect(live.data, `Secret ${name}: data`).toEqual(expected.data);
    expect(live.type).toBe(expected.type);
    const template = (sealed.get(name)!.spec as unknown as { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> } } }).template;
    expect(live.metadata.labels).toEqual(template.metadata.labels);
    expect(live.metadata.annotations).toEqual(template.metadata.annotations);
    expect(live.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "SealedSecret", name, controller: true })]);
  }
}

/** kubeseal's own decryption (an independent implementation) of every SealedSecret in the tree with only these keys. */
async function kubesealUnseal(privateKeysPem: string[]): Promise<Map<string, Record<string, string>>> {
  const keyFiles = privateKeysPem.map((pem, index) => {
    const file = path.join(work, `recovery-${index}-${randomBytes(4).toString("hex")}.pem`);
    fs.writeFileSync(file, pem, { mode: 0o600 });
    return file;
  });
  const results = new Map<string, Record<string, string>>();
  try {
    for (const sealed of sealedSecretsOf(out())) {
      const child = execFile(controller.kubesealPath, ["--recovery-unseal", "--recovery-private-key", keyFiles.join(","), "-o", "json"], { maxBuffer: 16 * 1024 * 1024 });
      const output = new Promise<string>((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.once("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`kubeseal --recovery-unseal of ${sealed.metadata.name} exited ${code}: ${stderr}`))));
      });
      child.stdin!.end(JSON.stringify(sealed));
      results.set(sealed.metadata.name, (JSON.parse(await output) as { data: Record<string, string> }).data);
    }
  } finally {
    for (const file of keyFiles) fs.rmSync(file, { force: true });
  }
  return results;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-sealing-"));
  fs.mkdirSync(input());
  fs.writeFileSync(path.join(input(), "orders.yaml"), ORDERS.map((order) => yaml.dump(order)).join("---\n"));
  controller = await startSealedSecretsController({
    kubeconfigPath: ctx.kubeconfigPath,
    keyNamespace: uniqueName("e2e-sealed-secrets"),
    log: (line) => process.stderr.write(`[e2e] ${line}\n`),
  });
  certFile = path.join(work, "cert.pem");
  fs.writeFileSync(certFile, await controller.certificatePem());
  keyFile = path.join(work, "value.key");
  fs.writeFileSync(keyFile, `${randomBytes(48).toString("base64")}\n`, { mode: 0o600 });
  const parity = await osacVm(["render", "--in", input(), "--out", path.join(work, "parity"), "--profile", "aap-parity"]);
  if (parity.code !== 0) throw new Error(`osac-vm render --profile aap-parity failed: ${parity.stderr}`);
});

afterAll(async () => {
  await controller?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("sealed secrets with the real sealed-secrets controller", () => {
  it("decrypts every SealedSecret render writes into Secrets holding the aap-parity bytes, and the tree shows no value", async () => {
    const rendered = await sealedRender();
    expect(rendered.stderr).toContain("Rendered 4 order(s)");
    expect(rendered.code, rendered.stderr).toBe(0);
    const sealed = sealedSecretsOf(out());
    expect(sealed.map((document) => document.metadata.name).sort()).toEqual([
      "vm-cloud-init-cloud-init",
      "vm-default-cloud-init",
      "vm-multi-key-cloud-init",
      "vm-multi-key-ssh-public-key",
      "vm-one-key-cloud-init",
      "vm-one-key-ssh-public-key",
    ]);
    const fingerprint = parseSealingCertificate(fs.readFileSync(certFile, "utf8"), "cert", new Date()).fingerprint;
    for (const document of sealed) expect(document.metadata.annotations["cloudkit.openshift.io/sealed-with"]).toBe(fingerprint);

    const text = [...snapshot(out()).values()].map((file) => file.content).join("\n");
    for (const value of [USER_DATA, ...SSH_KEYS]) {
      expect(text).not.toContain(value.trim());
      expect(text).not.toContain(Buffer.from(value).toString("base64"));
    }

    await applyTree(out());
    await expectParitySecrets();

    const parity = new Map(
      treeDocuments(path.join(work, "parity"))
        .filter((document): document is Secret => document.kind === "Secret")
        .map((secret) => [secret.metadata.name, secret.data]),
    );
    const unsealed = await kubesealUnseal(await controller.privateKeysPem());
    for (const [name, data] of unsealed) expect(data, `kubeseal --recovery-unseal ${name}`).toEqual(parity.get(name));
  });

  it("re-rendering unchanged orders changes no file", async () => {
    const before = snapshot(out());
    const again = await sealedRender();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("0 written, 0 removed, 5 unchanged");
    expect(snapshot(out())).toEqual(before);
  });

  it("after a key rotation, --reseal re-seals every value for the new key and the controller decrypts them", async () => {
    const oldKeys = await controller.privateKeysPem();
    const before = new Map(sealedSecretsOf(out()).map((document) => [document.metadata.name, document]));
    const newCertificate = await controller.rotateKey();
    fs.writeFileSync(certFile, newCertificate);
    const newFingerprint = parseSealingCertificate(newCertificate, "cert", new Date()).fingerprint;

    const untouched = snapshot(out());
    const refused = await sealedRender();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Pass --reseal");
    expect(snapshot(out())).toEqual(untouched);

    const resealed = await sealedRender("--reseal");
    expect(resealed.code, resealed.stderr).toBe(0);
    expect(resealed.stderr).toContain("sealed 6 value(s) (6 resealed), reused 0");
    for (const document of sealedSecretsOf(out())) {
      const name = document.metadata.name;
      expect(document.metadata.annotations["cloudkit.openshift.io/sealed-with"]).toBe(newFingerprint);
      for (const [key, value] of Object.entries(document.spec.encryptedData)) expect(value, `${name}.${key}`).not.toBe(before.get(name)!.spec.encryptedData[key]);
    }

    await applyTree(out());
    await expectParitySecrets();

    const newKeys = (await controller.privateKeysPem()).filter((pem) => !oldKeys.includes(pem));
    expect(newKeys).toHaveLength(1);
    expect((await kubesealUnseal(newKeys)).size).toBe(6);
    await expect(kubesealUnseal(oldKeys)).rejects.toThrow(/kubeseal --recovery-unseal of \S+ exited/);
  });

  it("a SealedSecret moved to another name or namespace does not decrypt (strict scope)", async () => {
    const original = sealedSecretsOf(out()).find((document) => document.metadata.name === "vm-cloud-init-cloud-init")!;
    const otherNamespace = uniqueName("e2e-seal-other");
    await serverSideApply(kc, mapper, { apiVersion: "v1", kind: "Namespace", metadata: { name: otherNamespace } }, FIELD_MANAGER);
    const moves = [
      { namespace: TENANT_NAMESPACE, name: "vm-cloud-init-cloud-init-copy" },
      { namespace: otherNamespace, name: "vm-cloud-init-cloud-init" },
    ];
    for (const target of moves) {
      const moved = structuredClone(original) as SealedSecret;
      moved.metadata.name = target.name;
      moved.metadata.namespace = target.namespace;
      await serverSideApply(kc, mapper, moved, FIELD_MANAGER);
      const condition = await syncedCondition(target.namespace, target.name);
      expect(condition.status, `${target.namespace}/${target.name}`).toBe("False");
      expect(condition.message).toContain("no key could decrypt secret");
      expect(await getObject(`/api/v1/namespaces/${target.namespace}/secrets/${target.name}`)).toBeUndefined();
    }
  });

  it("a tree moving from plain Secrets to SealedSecrets: an annotated plain Secret is taken over, an unannotated one is not (ADR 20)", async () => {
    const orderNamespace = uniqueName("e2e-seal-migrate");
    const tenantNs = tenantNamespace(orderNamespace, TENANT);
    const migration = path.join(work, "migration");
    fs.mkdirSync(path.join(migration, "in"), { recursive: true });
    const userData = Buffer.from(USER_DATA).toString("base64");
    const orders = ["vm-annotated", "vm-unannotated"].map((name) => orderDocument({ cloud_init_config: userData }, { name, namespace: orderNamespace, tenant: TENANT }));
    fs.writeFileSync(path.join(migration, "in", "orders.yaml"), orders.map((order) => yaml.dump(order)).join("---\n"));
    const plainOut = path.join(migration, "plain");
    const sealedOut = path.join(migration, "sealed");
    expect((await osacVm(["render", "--in", path.join(migration, "in"), "--out", plainOut, "--allow-plain-secrets"])).code).toBe(0);
    expect((await osacVm(["render", "--in", path.join(migration, "in"), "--out", sealedOut, "--seal-with", certFile, "--seal-key-file", keyFile])).code).toBe(0);

    const plain = treeDocuments(plainOut);
    for (const document of plain.filter((candidate) => candidate.kind === "Namespace" || candidate.kind === "Secret")) {
      const annotate = document.kind === "Secret" && document.metadata.name === "vm-annotated-cloud-init";
      const metadata = document.metadata as Secret["metadata"];
      const object = annotate ? { ...document, metadata: { ...metadata, annotations: { ...metadata.annotations, "sealedsecrets.bitnami.com/managed": "true" } } } : document;
      await serverSideApply(kc, mapper, object, FIELD_MANAGER);
    }
    const expectedData = (plain.find((document) => document.metadata.name === "vm-annotated-cloud-init") as Secret).data;
    for (const sealed of sealedSecretsOf(sealedOut).filter((document) => document.metadata.name.endsWith("-cloud-init"))) {
      await serverSideApply(kc, mapper, sealed, FIELD_MANAGER);
    }

    expect(await syncedCondition(tenantNs, "vm-annotated-cloud-init")).toMatchObject({ status: "True" });
    const taken = (await getObject<Secret>(`/api/v1/namespaces/${tenantNs}/secrets/vm-annotated-cloud-init`))!;
    expect(taken.data).toEqual(expectedData);
    expect(taken.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "SealedSecret", name: "vm-annotated-cloud-init", controller: true })]);

    const refused = await syncedCondition(tenantNs, "vm-unannotated-cloud-init");
    expect(refused.status).toBe("False");
    expect(refused.message).toContain("already exists and is not managed by SealedSecret");
  });
});
