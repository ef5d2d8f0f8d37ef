import { beforeAll, describe, expect, it } from "vitest";
import yaml from "js-yaml";
import type { ValidateFunction } from "ajv";
import {
  catalogEntry,
  isCatalogTemplate,
  keyedGenerators,
  orderIdentity,
  processTemplate,
  renderTemplateForOrder,
  type InstantiatedTemplate,
  type JsonObject,
  type OpenShiftTemplate,
  type TemplateOrder,
} from "../../../src/domain/openshift-template/index.ts";
import { tenantNamespace } from "../../../src/domain/tenant.ts";
import { readTemplateFiles } from "../../../src/render/input/read-templates.ts";
import { templateToCatalogItem } from "../../../src/ssvirt/catalog/index.ts";
import { coreErrors } from "../support/core-rules.ts";
import { requireShared } from "../support/shared.ts";
import { compileCrd, describeErrors } from "../support/structural-schema.ts";

/**
 * The KubeVirt common templates (ssp-operator's bundle v0.35.0, ../shared/reference/common-templates)
 * through the whole path: loaded from files, discovered, offered in both catalog shapes,
 * processed and instantiated for orders.
 */
const KEY = Buffer.from("conformance-template-parameter-key-0123456789abcdef");
const CATALOG_ID = "urn:vcloud:catalog:9d7f4f0e-3b7a-4c1e-8f43-0c2a5b1d7e99";
const NAMES = ["centos-stream9-server-small", "fedora-server-small", "rhel9-highperformance-small", "rhel9-server-small", "ubuntu-server-small"];

function orderFor(index: number): TemplateOrder {
  const name = `vm-common-${index}`;
  return {
    identity: orderIdentity({ orderUuid: `00000000-0000-4000-8000-00000000000${index}`, namespace: "cloudkit-vm-orders", name }),
    orderName: name,
    namespace: tenantNamespace("cloudkit-vm-orders", "tenant-a"),
    vmName: name,
    values: {},
  };
}

function decodedUserData(secret: JsonObject): string {
  return Buffer.from((secret.data as JsonObject).userData as string, "base64").toString("utf8");
}

function render(template: OpenShiftTemplate, index: number): InstantiatedTemplate {
  const result = renderTemplateForOrder(template, orderFor(index), { parameterKey: KEY });
  expect(result.errors).toEqual([]);
  return result.value!;
}

let templates: OpenShiftTemplate[] = [];
let validateVm: ValidateFunction;

beforeAll(() => {
  const loaded = readTemplateFiles([requireShared("reference/common-templates")]);
  expect(loaded.errors).toEqual([]);
  templates = loaded.templates.map((loadedTemplate) => loadedTemplate.template);
  validateVm = compileCrd(requireShared("reference/crds/kubevirt.io_virtualmachines.yaml"), "v1");
});

describe("the common templates as a catalog", () => {
  it("THEN all five are read from the files and discovered as SSVirt discovers them", () => {
    expect(templates.map((template) => template.metadata.name)).toEqual(NAMES);
    expect(templates.every((template) => isCatalogTemplate(template))).toBe(true);
  });

  it.each(NAMES)("%s: the catalog entry lists its parameters with description, required flag, default and generator", (name) => {
    const entry = catalogEntry(templates.find((template) => template.metadata.name === name)!);
    expect(entry.id).toBe(`openshift.templates.openshift.${name.replaceAll("-", "_")}`);
    expect(entry.parameters.map((parameter) => parameter.name)).toEqual(["NAME", "DATA_SOURCE_NAME", "DATA_SOURCE_NAMESPACE", "CLOUD_USER_PASSWORD"]);
    const [vmName, source, sourceNamespace, password] = entry.parameters;
    expect(vmName).toMatchObject({ required: false, secret: false, generator: { generate: "expression" } });
    expect(vmName!.generator!.from).toMatch(/^[a-z0-9-]+-\[a-z0-9\]\{16\}$/);
    expect(source!.default).toBeTruthy();
    expect(sourceNamespace!.default).toBe("kubevirt-os-images");
    expect(password).toMatchObject({ required: false, secret: true, generator: { generate: "expression", from: "[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}" } });
    for (const parameter of entry.parameters) expect(parameter.description.length).toBeGreaterThan(0);
  });

  it.each(NAMES)("%s: the SSVirt CatalogItem has SSVirt's id and, with no CPU/MEMORY/STORAGE parameter, its defaults", (name) => {
    const item = templateToCatalogItem(templates.find((template) => template.metadata.name === name)!, CATALOG_ID);
    expect(item.id).toBe(`urn:vcloud:catalogitem:9d7f4f0e-3b7a-4c1e-8f43-0c2a5b1d7e99:${name}`);
    expect(item.entity).toMatchObject({ numberOfVMs: 1, numberOfCpus: 1, memoryAllocation: 1073741824, storageAllocation: 10737418240 });
    expect([item.size, item.status, item.creationDate]).toEqual([2147483648, "AVAILABLE", "0001-01-01T00:00:00Z"]);
    expect(item.description).toMatch(/^Template for /);
  });
});

describe.each(NAMES)("%s processed for an order", (name) => {
  let template: OpenShiftTemplate;
  let rendered: InstantiatedTemplate;
  let password: string;

  beforeAll(() => {
    template = templates.find((candidate) => candidate.metadata.name === name)!;
    rendered = render(template, 1);
    password = /password: (\S+)/.exec(decodedUserData(rendered.secretsToSeal[0]!))?.[1] ?? "";
  });

  it("THEN there is one VM and one Secret with the cloud-init user data, the password generated from the template's expression", () => {
    expect(rendered.objects.map((object) => `${object.apiVersion}/${object.kind}`)).toEqual(["kubevirt.io/v1/VirtualMachine"]);
    expect(rendered.secretsToSeal).toHaveLength(1);
    expect(password).toMatch(/^[a-y0-8]{4}-[a-y0-8]{4}-[a-y0-8]{4}$/);
    const inline = ((((template.objects[0] as JsonObject).spec as JsonObject).template as JsonObject).spec as { volumes: JsonObject[] }).volumes
      .map((volume) => (volume.cloudInitNoCloud as JsonObject | undefined)?.userData)
      .find((data) => typeof data === "string") as string;
    expect(decodedUserData(rendered.secretsToSeal[0]!)).toBe(inline.replace("${CLOUD_USER_PASSWORD}", password));
  });

  it("THEN the VM validates strictly against the upstream KubeVirt VirtualMachine CRD schema", () => {
    const [vm] = rendered.objects;
    expect(validateVm(vm), describeErrors(validateVm)).toBe(true);
  });

  it("THEN the VM and the Secret pass the API server's object rules (names, labels, Secret data)", () => {
    for (const object of [...rendered.objects, ...rendered.secretsToSeal]) expect(coreErrors(object)).toEqual([]);
  });

  it("THEN no object outside the Secret holds the password, in plain text or base64", () => {
    const text = JSON.stringify(rendered.objects);
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(password).toString("base64"));
    expect(text).not.toMatch(/password/i);
    expect(text).not.toContain("${");
  });

  it("THEN the VM is named after the order and carries the order, ownership, instance-owner and vApp labels", () => {
    const metadata = rendered.objects[0]!.metadata as JsonObject;
    expect(metadata.name).toBe("vm-common-1");
    expect(metadata.namespace).toBe(orderFor(1).namespace);
    expect(metadata.labels).toMatchObject({
      "vm.kubevirt.io/template": name,
      app: "vm-common-1",
      "cloudkit.openshift.io/virtualmachine": "vm-common-1",
      "app.kubernetes.io/managed-by": "osac-vm-gitops",
      "vapp.ssvirt": "vm-common-1",
    });
    expect((metadata.labels as JsonObject)["template.openshift.io/template-instance-owner"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("THEN a re-render, from the Template read again, is byte-identical", () => {
    const again = readTemplateFiles([requireShared(`reference/common-templates/${name}.yaml`)]).templates[0]!.template;
    const dump = (value: InstantiatedTemplate) => yaml.dump([...value.secretsToSeal, ...value.objects], { noRefs: true, lineWidth: -1 });
    expect(dump(render(again, 1))).toBe(dump(rendered));
  });

  it("THEN another order gets another password, and the same order's NAME, when generated, is stable too", () => {
    expect(decodedUserData(render(template, 2).secretsToSeal[0]!)).not.toContain(password);
    const generated = () => processTemplate(template, { generators: keyedGenerators(KEY, orderFor(1).identity) }).value!.parameters[0]!.value;
    expect(generated()).toMatch(new RegExp(`^${template.parameters[0]!.from!.replace("[a-z0-9]{16}", "[a-y0-8]{16}")}$`));
    expect(generated()).toBe(generated());
  });
});
