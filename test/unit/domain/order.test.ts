import { describe, expect, it } from "vitest";
import { validateOrder } from "../../../src/domain/order.ts";
import { formatFieldError } from "../../../src/domain/field-error.ts";

const PARAMETERS =
  '{"cpu_cores":"4","disk_size":"10Gi","exposed_ports":"22/tcp","image_source":"quay.io/containerdisks/fedora:latest","memory":"4Gi"}';

function order(overrides: { metadata?: Record<string, unknown>; spec?: Record<string, unknown>; [key: string]: unknown } = {}) {
  const { metadata, spec, ...rest } = overrides;
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      name: "vm-x7k2q",
      namespace: "cloudkit-vm-orders",
      labels: { "cloudkit.openshift.io/virtualmachine-uuid": "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11" },
      annotations: { "cloudkit.openshift.io/tenant": "my-tenant" },
      ...metadata,
    },
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: PARAMETERS, ...spec },
    ...rest,
  };
}

describe("validateOrder", () => {
  it("GIVEN the PARITY.md order THEN it is accepted with tenant namespace, uuid and config version", () => {
    const result = validateOrder(order());
    expect(result.errors).toEqual([]);
    expect(result.value).toMatchObject({
      name: "vm-x7k2q",
      namespace: "cloudkit-vm-orders",
      tenant: "my-tenant",
      tenantNamespace: "cloudkit-vm-orders-ntfv23cm4rd2e",
      orderUuid: "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11",
      templateId: "cloudkit.templates.ocp_virt_vm",
      templateParameters: PARAMETERS,
      desiredConfigVersion: "1235a48e65b9b809",
      parameters: { cpuCores: 4, memory: "4Gi", diskSize: "10Gi" },
    });
  });

  it("GIVEN a managed-by annotation THEN it is carried; an unknown value is an error naming the accepted ones", () => {
    const annotations = { "cloudkit.openshift.io/tenant": "t" };
    expect(validateOrder(order({ metadata: { annotations: { ...annotations, "cloudkit.openshift.io/managed-by": "gitops" } } })).value?.managedBy).toBe("gitops");
    const bad = validateOrder(order({ metadata: { annotations: { ...annotations, "cloudkit.openshift.io/managed-by": "argo" } } }));
    expect(bad.errors.map(formatFieldError)).toEqual([
      "metadata.annotations[cloudkit.openshift.io/managed-by]: must be one of 'aap', 'controller', 'gitops' (got \"argo\")",
    ]);
  });

  it("GIVEN no tenant annotation THEN the error names the annotation", () => {
    const result = validateOrder(order({ metadata: { annotations: {} } }));
    expect(result.value).toBeUndefined();
    expect(result.errors.map((e) => e.field)).toEqual(["metadata.annotations[cloudkit.openshift.io/tenant]"]);
  });

  it("GIVEN many problems THEN all are reported at once", () => {
    const result = validateOrder({
      apiVersion: "kubevirt.io/v1",
      kind: "VM",
      metadata: { generateName: "vm-", namespace: "Bad NS" },
      spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: '{"cpu_cores":"0","colour":"red"}' },
    });
    const fields = result.errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "apiVersion",
        "kind",
        "metadata.name",
        "metadata.namespace",
        "metadata.annotations[cloudkit.openshift.io/tenant]",
        "spec.templateParameters.cpu_cores",
        "spec.templateParameters.colour",
      ]),
    );
  });

  it("GIVEN templateParameters written as a YAML mapping THEN the error says it must be a JSON string", () => {
    const result = validateOrder(order({ spec: { templateParameters: { cpu_cores: 4 } } }));
    expect(result.errors.map(formatFieldError)).toEqual([
      "spec.templateParameters: must be a JSON-encoded string (for example '{\"cpu_cores\":\"4\"}'), not a YAML mapping (got \"object\")",
    ]);
  });

  it("GIVEN an unknown template THEN the error lists the known ones", () => {
    const result = validateOrder(order({ spec: { templateID: "cloudkit.templates.ocp_4_17_small" } }));
    const [error] = result.errors;
    expect(error?.field).toBe("spec.templateID");
    expect(error?.message).toContain("'cloudkit.templates.ocp_virt_vm'");
    expect(error?.message).toContain("'osac.massopencloud.ocp_virt_vm'");
  });

  it.each([null, 42, "text", []])("GIVEN the document %j THEN it is rejected as not an object", (document) => {
    expect(validateOrder(document).errors[0]?.field).toBe("(document)");
  });

  it("GIVEN a non-string label value THEN the error says to quote it", () => {
    const result = validateOrder(order({ metadata: { labels: { "cloudkit.openshift.io/virtualmachine-uuid": 12 } } }));
    expect(result.errors.map(formatFieldError)).toEqual([
      "metadata.labels[cloudkit.openshift.io/virtualmachine-uuid]: must be a string (quote it in YAML) (got \"12\")",
    ]);
  });

  it("GIVEN cloud-init user data that is invalid THEN the error never contains the secret", () => {
    const secret = "password: hunter2-very-secret";
    const result = validateOrder(order({ spec: { templateParameters: JSON.stringify({ cloud_init_config: secret }) } }));
    expect(result.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });
});

describe("validateOrder: the firmware UUID pin (cloudkit.openshift.io/firmware-uuid)", () => {
  const PIN = "0B7E2C41-93F5-4D0A-8E6B-2F1C9D3A7E55";
  const pinned = (value: string) => order({ metadata: { annotations: { "cloudkit.openshift.io/tenant": "my-tenant", "cloudkit.openshift.io/firmware-uuid": value } } });

  it("GIVEN a valid pin THEN the order carries it, and its config version is the unpinned order's", () => {
    const result = validateOrder(pinned(PIN));
    expect(result.errors).toEqual([]);
    expect(result.value?.pinnedFirmwareUuid).toBe(PIN);
    expect(result.value?.desiredConfigVersion).toBe(validateOrder(order()).value?.desiredConfigVersion);
  });

  it.each(["", "not-a-uuid", "0b7e2c41-93f5-4d0a-8e6b-2f1c9d3a7e5", "0b7e2c4193f54d0a8e6b2f1c9d3a7e55", " 0b7e2c41-93f5-4d0a-8e6b-2f1c9d3a7e55"])(
    "GIVEN the pin %j THEN the order is refused naming the field, the value and what is accepted",
    (value) => {
      const result = validateOrder(pinned(value));
      expect(result.value).toBeUndefined();
      expect(result.errors.map(formatFieldError)).toEqual([
        `metadata.annotations[cloudkit.openshift.io/firmware-uuid]: must be a UUID (8-4-4-4-12 hexadecimal digits, e.g. '6a1a4fd5-0c3e-4d8e-8d2e-6b8f1f2b3c4d'): it pins the VM's firmware.uuid (got ${JSON.stringify(value)})`,
      ]);
    },
  );
});
