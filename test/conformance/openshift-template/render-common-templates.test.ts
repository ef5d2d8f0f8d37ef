import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyedGenerators, orderIdentity, processTemplate, readTemplate, type OpenShiftTemplate } from "../../../src/domain/openshift-template/index.ts";
import { catalogOrderDocument } from "../../support/catalog.ts";
import { runCli, snapshotTree } from "../../support/cli.ts";
import { hybridDecrypt, rsaKeyPair, selfSignedCertificate } from "../../support/sealing.ts";
import { coreErrors } from "../support/core-rules.ts";
import { requireShared } from "../support/shared.ts";
import { compileCrd, describeErrors } from "../support/structural-schema.ts";

/**
 * The KubeVirt common templates through `osac-vm render --templates` (ADR 28): one order per
 * template, with the template parameter key and sealing, as a platform engineer would run it.
 */
const NAMES = ["centos-stream9-server-small", "fedora-server-small", "rhel9-highperformance-small", "rhel9-server-small", "ubuntu-server-small"];
const NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
type KubeDocument = { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec?: any };

let root: string;
let args: string[];
let templateKey: Buffer;
let validateVm: ValidateFunction;

function orderName(index: number): string {
  return `vm-common-${index}`;
}

function uuidOf(index: number): string {
  return `00000000-0000-4000-8000-00000000000${index}`;
}

/** The password the key derives for an order, computed by the domain on its own. */
function passwordFor(template: OpenShiftTemplate, index: number): string {
  const identity = orderIdentity({ orderUuid: uuidOf(index), namespace: "cloudkit-vm-orders", name: orderName(index) });
  const processed = processTemplate(template, { values: { NAME: orderName(index) }, generators: keyedGenerators(templateKey, identity) });
  return processed.value!.parameters.find((parameter) => parameter.name === "CLOUD_USER_PASSWORD")!.value!;
}

function templateNamed(name: string): OpenShiftTemplate {
  return readTemplate(yaml.load(readFileSync(requireShared(`reference/common-templates/${name}.yaml`), "utf8"))).value!;
}

function fileOf(index: number): string {
  return join(root, "out", NS, `${orderName(index)}.yaml`);
}

beforeAll(async () => {
  // Shared by every test of the file (temporaryDirectory() would be removed after the first test).
  root = mkdtempSync(join(tmpdir(), "osac-vm-common-templates-"));
  mkdirSync(join(root, "in"));
  const orders = NAMES.map((name, index) => catalogOrderDocument({}, { name: orderName(index), uuid: uuidOf(index) }, `openshift.templates.openshift.${name.replaceAll("-", "_")}`));
  writeFileSync(join(root, "in", "orders.yaml"), orders.map((order) => yaml.dump(order)).join("---\n"));
  writeFileSync(join(root, "cert.pem"), selfSignedCertificate(rsaKeyPair().publicKey));
  writeFileSync(join(root, "seal.key"), randomBytes(48), { mode: 0o600 });
  templateKey = randomBytes(48);
  writeFileSync(join(root, "template.key"), templateKey, { mode: 0o600 });
  args = ["render", "--in", join(root, "in"), "--out", join(root, "out"), "--templates", requireShared("reference/common-templates")];
  args.push("--template-key-file", join(root, "template.key"), "--seal-with", join(root, "cert.pem"), "--seal-key-file", join(root, "seal.key"));
  validateVm = compileCrd(requireShared("reference/crds/kubevirt.io_virtualmachines.yaml"), "v1");
  const run = await runCli(args);
  expect(run.stderr).toContain(`Rendered ${NAMES.length} order(s)`);
  expect(run.code).toBe(0);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(NAMES.map((name, index) => [name, index] as const))("the common template %s rendered for an order", (name, index) => {
  it("THEN the VM validates strictly against the upstream KubeVirt VirtualMachine CRD schema, and every object passes the API server's object rules", () => {
    const objects = yaml.loadAll(readFileSync(fileOf(index), "utf8")) as KubeDocument[];
    expect(objects.map((object) => object.kind)).toEqual(["SealedSecret", "VirtualMachine"]);
    const vm = objects[1]!;
    expect(validateVm(vm), describeErrors(validateVm)).toBe(true);
    for (const object of objects) expect(coreErrors(object)).toEqual([]);
    expect([vm.metadata.name, vm.metadata.namespace, vm.spec.runStrategy]).toEqual([orderName(index), NS, "Always"]);
  });

  it("THEN no plaintext (or base64) password is in the file, and the SealedSecret decrypts to the user data holding it", () => {
    const password = passwordFor(templateNamed(name), index);
    const text = readFileSync(fileOf(index), "utf8");
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(password).toString("base64"));
    expect(text).not.toMatch(/password:/);
    const sealed = (yaml.loadAll(text) as KubeDocument[])[0]!;
    const secretName = `${orderName(index)}-cloudinitdisk`;
    const userData = hybridDecrypt(rsaKeyPair().privateKey, Buffer.from(sealed.spec.encryptedData.userData, "base64"), `${NS}/${secretName}`).toString("utf8");
    expect(userData).toContain(`password: ${password}`);
  });
});

describe("re-rendering the common templates' orders", () => {
  it("THEN the tree is byte-identical: nothing written, no mtime changed, --check clean", async () => {
    const before = snapshotTree(join(root, "out"));
    const again = await runCli(args);
    expect(again.stderr).toContain(`0 written, 0 removed, ${NAMES.length + 1} unchanged`);
    expect(snapshotTree(join(root, "out"))).toEqual(before);
    const check = await runCli([...args, "--check"]);
    expect(check.code).toBe(0);
  });
});
