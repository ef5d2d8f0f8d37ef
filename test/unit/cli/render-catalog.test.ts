import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { keyedGenerators, orderIdentity, processTemplate } from "../../../src/domain/openshift-template/index.ts";
import { catalogOrderDocument, CATALOG_FIXTURES, fixtureTemplates } from "../../support/catalog.ts";
import { runCli, snapshotTree, temporaryDirectory } from "../../support/cli.ts";
import { orderDocument } from "../../support/orders.ts";
import { hybridDecrypt, rsaKeyPair, selfSignedCertificate } from "../../support/sealing.ts";

const NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
const UUID = "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11";

type KubeDocument = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };

interface Workspace {
  readonly root: string;
  readonly input: string;
  readonly out: string;
  readonly templates: string;
  readonly cert: string;
  readonly sealKey: string;
  readonly templateKey: string;
}

function workspace(): Workspace {
  const root = temporaryDirectory();
  const input = join(root, "in");
  const templates = join(root, "templates");
  mkdirSync(input);
  mkdirSync(templates);
  copyFileSync(join(CATALOG_FIXTURES, "catalog.yaml"), join(templates, "catalog.yaml"));
  const cert = join(root, "cert.pem");
  writeFileSync(cert, selfSignedCertificate(rsaKeyPair().publicKey));
  const sealKey = join(root, "seal.key");
  writeFileSync(sealKey, `${randomBytes(48).toString("base64")}\n`, { mode: 0o600 });
  const templateKey = join(root, "template.key");
  writeFileSync(templateKey, `${randomBytes(48).toString("base64")}\n`, { mode: 0o600 });
  return { root, input, out: join(root, "out"), templates, cert, sealKey, templateKey };
}

function writeOrders(space: Workspace, parameters: Record<string, unknown> = { DATA_SOURCE_NAME: "fedora", CPU_CORES: "2" }): void {
  const documents = [catalogOrderDocument(parameters, { name: "vm-cat", uuid: UUID }), orderDocument({ cpu_cores: "2" }, { name: "vm-builtin" })];
  writeFileSync(join(space.input, "orders.yaml"), documents.map((document) => yaml.dump(document)).join("---\n"));
}

const renderArgs = (space: Workspace, ...extra: string[]) => [
  "render",
  "--in",
  space.input,
  "--out",
  space.out,
  "--templates",
  space.templates,
  "--template-key-file",
  space.templateKey,
  "--seal-with",
  space.cert,
  "--seal-key-file",
  space.sealKey,
  ...extra,
];

function documents(path: string): KubeDocument[] {
  return yaml.loadAll(readFileSync(path, "utf8")) as KubeDocument[];
}

/** The password the key derives for the order, as the domain computes it. */
function expectedPassword(space: Workspace): string {
  const key = Buffer.from(readFileSync(space.templateKey, "utf8").replace(/\n$/, ""));
  const template = fixtureTemplates().find((item) => item.metadata.name === "tiny-server")!;
  const processed = processTemplate(template, { values: { NAME: "vm-cat", DATA_SOURCE_NAME: "fedora" }, generators: keyedGenerators(key, orderIdentity({ orderUuid: UUID, namespace: "cloudkit-vm-orders", name: "vm-cat" })) });
  return processed.value!.parameters.find((parameter) => parameter.name === "CLOUD_USER_PASSWORD")!.value!;
}

describe("osac-vm render --templates: an order naming a catalog template", () => {
  it("GIVEN the key and sealing THEN the VM, a SealedSecret with the cloud-init holding the derived password, and gitops metadata; no password in the file", async () => {
    const space = workspace();
    writeOrders(space);
    const run = await runCli(renderArgs(space));
    expect(run.stderr).toContain("Rendered 2 order(s)");
    expect(run.code).toBe(0);
    const file = join(space.out, NS, "vm-cat.yaml");
    const [sealed, vm] = documents(file);
    expect([sealed!.kind, vm!.kind]).toEqual(["SealedSecret", "VirtualMachine"]);
    const password = expectedPassword(space);
    expect(password).toMatch(/^[a-y0-8]{4}-[a-y0-8]{4}$/);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(password).toString("base64"));
    const userData = hybridDecrypt(rsaKeyPair().privateKey, Buffer.from(sealed!.spec.encryptedData.userData, "base64"), `${NS}/vm-cat-cloudinitdisk`).toString("utf8");
    expect(userData).toContain(`password: ${password}`);

    expect(vm!.metadata.labels).toMatchObject({ "cloudkit.openshift.io/virtualmachine": "vm-cat", "app.kubernetes.io/managed-by": "osac-vm-gitops", "app.kubernetes.io/part-of": "osac", "vapp.ssvirt": "vm-cat" });
    expect(vm!.metadata.annotations).toMatchObject({ "argocd.argoproj.io/sync-wave": "1", "cloudkit.openshift.io/config-version": expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(sealed!.metadata.annotations).toMatchObject({ "argocd.argoproj.io/sync-wave": "0" });
    expect(vm!.spec.runStrategy).toBe("Always");
    expect(vm!.spec.template.spec.domain.firmware.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(vm!.spec.template.spec.domain.cpu.cores).toBe(2);
    expect(vm!.spec.template.spec.volumes[1]).toEqual({ name: "cloudinitdisk", cloudInitNoCloud: { secretRef: { name: "vm-cat-cloudinitdisk" } } });
    expect(readFileSync(join(space.out, NS, "_namespace.yaml"), "utf8")).toContain("kind: Namespace");
  });

  it("GIVEN an unchanged input THEN a re-render changes no byte and no mtime, --check agrees, and a render into a fresh directory gives the same VM bytes", async () => {
    const space = workspace();
    writeOrders(space);
    await runCli(renderArgs(space));
    const before = snapshotTree(space.out);
    expect((await runCli(renderArgs(space))).stderr).toContain("0 written, 0 removed, 3 unchanged");
    expect(snapshotTree(space.out)).toEqual(before);
    expect((await runCli(renderArgs(space, "--check"))).code).toBe(0);
    const fresh = join(space.root, "fresh");
    await runCli(renderArgs(space).map((arg) => (arg === space.out ? fresh : arg)));
    const vmOf = (root: string) => documents(join(root, NS, "vm-cat.yaml")).filter((document) => document.kind !== "SealedSecret");
    expect(vmOf(fresh)).toEqual(vmOf(space.out));
  });

  it("GIVEN a new template key, or a new version of the Template THEN the catalog order's file is rendered again, and only it", async () => {
    const space = workspace();
    writeOrders(space);
    await runCli(renderArgs(space));
    writeFileSync(space.templateKey, randomBytes(48), { mode: 0o600 });
    const rekeyed = await runCli(renderArgs(space));
    expect(rekeyed.stderr).toContain("1 written, 0 removed, 2 unchanged");
    const templateFile = join(space.templates, "catalog.yaml");
    writeFileSync(templateFile, readFileSync(templateFile, "utf8").replace("value: 2Gi", "value: 3Gi"));
    expect((await runCli(renderArgs(space))).stderr).toContain("1 written, 0 removed, 2 unchanged");
    expect(documents(join(space.out, NS, "vm-cat.yaml"))[1]!.spec.template.spec.domain.memory.guest).toBe("3Gi");
  });
});

describe("osac-vm render --templates: refusals name the parameter or the option, and nothing is written", () => {
  it.each<[string, (space: Workspace) => string[], Record<string, unknown>, RegExp]>([
    ["an unknown parameter", (space) => renderArgs(space), { DATA_SOURCE_NAME: "fedora", cpu_cores: "4" }, /spec\.templateParameters\.cpu_cores: the template has no parameter 'cpu_cores'; its parameters are 'NAME', /],
    ["a missing required parameter", (space) => renderArgs(space), {}, /spec\.templateParameters\.DATA_SOURCE_NAME: parameter DATA_SOURCE_NAME is required and must be specified/],
    [
      "no template key",
      (space) => renderArgs(space).filter((arg, index, all) => arg !== "--template-key-file" && all[index - 1] !== "--template-key-file"),
      { DATA_SOURCE_NAME: "fedora" },
      /spec\.templateParameters\.CLOUD_USER_PASSWORD: has no value, and the template generates one, which needs the template parameter key: pass --template-key-file <file>/,
    ],
    [
      "no sealing",
      (space) => renderArgs(space).slice(0, -4),
      { DATA_SOURCE_NAME: "fedora" },
      /spec\.templateID: the template writes the Secret\(s\) 'vm-cat-cloudinitdisk' .*seal them \(--seal-with <cert\.pem> --seal-key-file <file>\), or pass --allow-plain-secrets/,
    ],
    ["the aap-parity profile", (space) => [...renderArgs(space).slice(0, -4), "--profile", "aap-parity"], { DATA_SOURCE_NAME: "fedora" }, /spec\.templateID: is a catalog template, which only the gitops profile renders/],
    ["no --templates", (space) => ["render", "--in", space.input, "--out", space.out, "--allow-plain-secrets"], { DATA_SOURCE_NAME: "fedora" }, /spec\.templateID: unknown template; .*no catalog template is known here/],
  ])("GIVEN %s", async (_case, args, parameters, message) => {
    const space = workspace();
    writeOrders(space, parameters);
    const run = await runCli(args(space));
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(snapshotTree(space.root).has("out/")).toBe(false);
  });

  it("GIVEN an invalid Template file, a short key, or a key inside --out THEN exit 2 naming the option", async () => {
    const space = workspace();
    writeOrders(space);
    writeFileSync(join(space.templates, "broken.yaml"), "apiVersion: template.openshift.io/v1\nkind: Template\nmetadata: {name: broken}\nobjects: {}\n");
    const broken = await runCli(renderArgs(space));
    expect([broken.code, broken.stderr]).toEqual([2, expect.stringMatching(/--templates: 1 error\(s\):\n\S+broken\.yaml:1: objects: /)]);
    writeFileSync(join(space.templates, "broken.yaml"), "");
    writeFileSync(space.templateKey, "short\n");
    expect((await runCli(renderArgs(space))).stderr).toContain("--template-key-file: the key holds 5 bytes; at least 32 random bytes are needed");
    mkdirSync(space.out);
    const inside = join(space.out, "template.key");
    writeFileSync(inside, randomBytes(48));
    expect((await runCli(renderArgs(space).map((arg) => (arg === space.templateKey ? inside : arg)))).stderr).toMatch(/--template-key-file: \S+ is inside the output directory/);
  });
});

describe("osac-vm validate --templates", () => {
  it("GIVEN the options render takes THEN the same verdict: valid, then the missing parameter named", async () => {
    const space = workspace();
    writeOrders(space);
    const options = renderArgs(space).slice(5);
    const good = await runCli(["validate", space.input, ...options]);
    expect([good.code, good.stderr]).toEqual([0, expect.stringContaining("2 order(s) valid")]);
    writeOrders(space, {});
    const bad = await runCli(["validate", space.input, ...options]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("spec.templateParameters.DATA_SOURCE_NAME: parameter DATA_SOURCE_NAME is required");
  });
});
