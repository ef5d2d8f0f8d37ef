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
