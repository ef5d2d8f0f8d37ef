import { describe, expect, it } from "vitest";
import {
  catalogEntry,
  isCatalogTemplate,
  orderIdentity,
  renderTemplateForOrder,
  templateInstanceUid,
  type JsonObject,
  type OpenShiftTemplate,
  type TemplateOrder,
} from "../../../src/domain/openshift-template/index.ts";

const COMMON_LIKE: OpenShiftTemplate = {
  metadata: {
    name: "fedora-server-small",
    labels: { "template.kubevirt.io/version": "v0.35.0" },
    annotations: { "openshift.io/display-name": "Fedora VM", description: "Fedora", "template.kubevirt.io/containerdisks": "quay.io/containerdisks/fedora:latest\n" },
  },
  objects: [
    {
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachine",
      metadata: { name: "${NAME}", labels: { app: "${NAME}" } },
      spec: {
        template: {
          spec: {
            volumes: [{ name: "cloudinitdisk", cloudInitNoCloud: { userData: "#cloud-config\nuser: fedora\npassword: ${CLOUD_USER_PASSWORD}\n" } }],
          },
        },
      },
    },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "extra" }, stringData: { token: "${{TOKEN}}" } },
  ],
  parameters: [
    { name: "NAME", description: "VM name", generate: "expression", from: "fedora-[a-z0-9]{16}" },
    { name: "DATA_SOURCE_NAME", description: "Name of the DataSource to clone", value: "fedora" },
    { name: "CLOUD_USER_PASSWORD", description: "Randomized password", generate: "expression", from: "[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}" },
    { name: "TOKEN", displayName: "Token", required: true },
  ],
};

describe("discovery (SSVirt's getFilteredTemplates)", () => {
  const withMetadata = (change: Partial<OpenShiftTemplate["metadata"]>): OpenShiftTemplate => ({ ...COMMON_LIKE, metadata: { ...COMMON_LIKE.metadata, ...change } });
  it.each([
    ["label and annotation, no namespace (a file)", withMetadata({}), "openshift", true],
    ["in openshift", withMetadata({ namespace: "openshift" }), "openshift", true],
    ["in another namespace", withMetadata({ namespace: "default" }), "openshift", false],
    ["in the configured namespace", withMetadata({ namespace: "templates" }), "templates", true],
    ["label with an empty value", withMetadata({ labels: { "template.kubevirt.io/version": "" } }), "openshift", true],
    ["no version label (only the annotation of that name)", withMetadata({ labels: {}, annotations: { ...COMMON_LIKE.metadata.annotations, "template.kubevirt.io/version": "v1alpha1" } }), "openshift", false],
    ["no containerdisks annotation", withMetadata({ annotations: {} }), "openshift", false],
    ["no annotations at all", withMetadata({ annotations: undefined }), "openshift", false],
  ])("GIVEN %s THEN %s", (_name, template, namespace, expected) => {
    expect(isCatalogTemplate(template, namespace)).toBe(expected);
  });
});

describe("the catalog entry", () => {
  it("GIVEN a common-template-like Template THEN each parameter's name, description, required flag, default and generator", () => {
    expect(catalogEntry(COMMON_LIKE)).toEqual({
      id: "openshift.templates.openshift.fedora_server_small",
      namespace: "openshift",
      name: "fedora-server-small",
      title: "Fedora VM",
      description: "Fedora",
      parameters: [
        { name: "NAME", description: "VM name", required: false, generator: { generate: "expression", from: "fedora-[a-z0-9]{16}" }, secret: false },
        { name: "DATA_SOURCE_NAME", description: "Name of the DataSource to clone", required: false, default: "fedora", secret: false },
        {
          name: "CLOUD_USER_PASSWORD",
          description: "Randomized password",
          required: false,
          generator: { generate: "expression", from: "[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}" },
          secret: true,
        },
        { name: "TOKEN", displayName: "Token", description: "", required: true, secret: true },
      ],
    });
  });

  it("GIVEN no display name and only a long description THEN the name and the long description", () => {
    const entry = catalogEntry({ ...COMMON_LIKE, metadata: { name: "t", namespace: "ns", annotations: { "template.openshift.io/long-description": "long" } } }, "openshift");
    expect([entry.id, entry.title, entry.description]).toEqual(["openshift.templates.ns.t", "t", "long"]);
  });
});

describe("rendering a catalog Template for an order", () => {
  const KEY = Buffer.alloc(32, 9);
  const order: TemplateOrder = {
    identity: orderIdentity({ orderUuid: "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11", namespace: "cloudkit-vm-orders", name: "vm-x7k2q" }),
    orderName: "vm-x7k2q",
    namespace: "cloudkit-vm-orders-ntfv23cm4rd2e",
    vmName: "vm-x7k2q",
    values: {},
  };
  const withoutSecret: OpenShiftTemplate = { ...COMMON_LIKE, objects: [COMMON_LIKE.objects[0]!], parameters: COMMON_LIKE.parameters.slice(0, 3) };

  it("GIVEN an order without NAME THEN NAME is the order's VM name; the password is generated and only in the Secret", () => {
    const result = renderTemplateForOrder(withoutSecret, order, { parameterKey: KEY });
    expect(result.errors).toEqual([]);
    const [vm] = result.value!.objects;
    expect((vm!.metadata as JsonObject).name).toBe("vm-x7k2q");
    expect((vm!.metadata as JsonObject).labels).toMatchObject({ app: "vm-x7k2q", "template.openshift.io/template-instance-owner": templateInstanceUid(order.identity) });
    const userData = Buffer.from((result.value!.secretsToSeal[0]!.data as JsonObject).userData as string, "base64").toString();
    const password = /password: ([a-y0-8]{4}-[a-y0-8]{4}-[a-y0-8]{4})\n/.exec(userData)?.[1];
    expect(password).toBeDefined();
    expect(JSON.stringify(result.value!.objects)).not.toContain(password!);
  });

  it("GIVEN the same order twice THEN the objects are identical; another order gets another password", () => {
    const first = JSON.stringify(renderTemplateForOrder(withoutSecret, order, { parameterKey: KEY }).value);
    expect(JSON.stringify(renderTemplateForOrder(withoutSecret, order, { parameterKey: KEY }).value)).toBe(first);
    const other = renderTemplateForOrder(withoutSecret, { ...order, identity: "order:other/vm" }, { parameterKey: KEY }).value!;
    expect(JSON.stringify(other.secretsToSeal)).not.toBe(JSON.stringify(renderTemplateForOrder(withoutSecret, order, { parameterKey: KEY }).value!.secretsToSeal));
  });

  it("GIVEN NAME in the order THEN it wins over the VM name", () => {
    const result = renderTemplateForOrder(withoutSecret, { ...order, values: { NAME: "custom" } }, { parameterKey: KEY });
    expect((result.value!.objects[0]!.metadata as JsonObject).name).toBe("custom");
  });

  it("GIVEN no parameter key and a value to generate THEN the error names the parameter and how to fix it", () => {
    const result = renderTemplateForOrder(withoutSecret, order);
    expect(result.value).toBeUndefined();
    expect(result.errors).toMatchObject([{ code: "GeneratorFailed", parameter: "CLOUD_USER_PASSWORD" }]);
    expect(result.errors[0]!.message).toContain("no template parameter key is configured");
  });

  it("GIVEN no parameter key but every value given THEN it renders", () => {
    const result = renderTemplateForOrder(withoutSecret, { ...order, values: { CLOUD_USER_PASSWORD: "given-pass" } });
    expect(result.errors).toEqual([]);
  });

  it("GIVEN a required parameter missing and an unknown one THEN both are named and nothing renders", () => {
    const result = renderTemplateForOrder(COMMON_LIKE, { ...order, values: { TOKN: "x" } }, { parameterKey: KEY });
    expect(result.errors.map((e) => [e.code, e.parameter])).toEqual([
      ["UnknownParameter", "TOKN"],
      ["RequiredParameter", "TOKEN"],
    ]);
  });
});
