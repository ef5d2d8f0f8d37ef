import { describe, expect, it } from "vitest";
import { formatFieldError } from "../../../src/domain/field-error.ts";
import { validateOrder } from "../../../src/domain/order.ts";
import { validateOrderAdmission } from "../../../src/webhook/admission/index.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest } from "../../../src/webhook/admission/types.ts";

const UUID = "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11";
const TENANT = "cloudkit.openshift.io/tenant";
const MANAGED_BY = "cloudkit.openshift.io/managed-by";
const PINNED = {
  cpu_cores: "4",
  disk_size: "10Gi",
  exposed_ports: "22/tcp",
  image_source: "quay.io/containerdisks/fedora:41",
  memory: "4Gi",
  storage_class: "standard",
};
const SECRET_CLOUD_INIT = Buffer.from("#cloud-config\npassword: hunter2-very-secret\n").toString("base64");

type Json = Record<string, unknown>;

/** An order as the validating webhook sees it: named (generateName resolved), uid and timestamps set. */
function order(parameters: Json | string = PINNED, overrides: { metadata?: Json; spec?: Json } = {}): Json {
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      name: "vm-x7k2q",
      generateName: "vm-",
      namespace: "cloudkit-vm-orders",
      uid: "6c1f2a3b-0000-4000-8000-000000000001",
      creationTimestamp: "2025-12-01T10:00:00Z",
      labels: { "cloudkit.openshift.io/virtualmachine-uuid": UUID },
      annotations: { [TENANT]: "my-tenant", [MANAGED_BY]: "controller" },
      ...overrides.metadata,
    },
    spec: {
      templateID: "cloudkit.templates.ocp_virt_vm",
      templateParameters: typeof parameters === "string" ? parameters : JSON.stringify(parameters),
      ...overrides.spec,
    },
  };
}

function review(operation: AdmissionRequest["operation"], object: unknown, extra: Partial<AdmissionRequest> & Json = {}): AdmissionRequest {
  return {
    uid: "2b8a7c4e-6a1d-4b5e-9f10-111111111111",
    kind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
    resource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
    requestKind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
    requestResource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
    name: operation === "CREATE" ? "" : "vm-x7k2q",
    namespace: "cloudkit-vm-orders",
    operation,
    userInfo: { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] },
    object,
    oldObject: null,
    dryRun: false,
    ...extra,
  } as AdmissionRequest;
}

function deps(existing: readonly string[] | "unknown" = ["standard", "fast"]): AdmissionDeps {
  return {
    storageClasses: {
      defaultClass: () => ({ name: "standard", warnings: [] }),
      exists: (name) => (existing === "unknown" ? undefined : existing.includes(name)),
    },
    managedBy: { defaultMode: "aap" },
  };
}

function update(before: Json, after: Json, dependencies = deps()): AdmissionDecision {
  return validateOrderAdmission(review("UPDATE", after, { oldObject: before }), dependencies);
}

function messageOf(decision: AdmissionDecision): string {
  expect(decision.allowed).toBe(false);
  expect(decision.status?.code).toBe(422);
  expect(decision.status?.reason).toBe("Invalid");
  return decision.status?.message ?? "";
}

function expectShortWarnings(decision: AdmissionDecision): void {
  for (const warning of decision.warnings) expect(warning.length).toBeLessThanOrEqual(120);
}

describe("validateOrderAdmission: CREATE", () => {
  it("GIVEN a valid, pinned order with an existing class THEN it is allowed without warnings", () => {
    expect(validateOrderAdmission(review("CREATE", order()), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN the PARITY order (':latest', no class) THEN it is allowed with the domain's floating-image warning, shortened", () => {
    const parity = { cpu_cores: "4", disk_size: "10Gi", exposed_ports: "22/tcp", image_source: "quay.io/containerdisks/fedora:latest", memory: "4Gi" };
    const decision = validateOrderAdmission(review("CREATE", order(parity)), deps());
    expect(decision.allowed).toBe(true);
    expect(decision.warnings).toHaveLength(1);
    expect(decision.warnings[0]).toMatch(/^spec\.templateParameters\.image_source: has no tag or digest, or the tag 'latest'/);
    expectShortWarnings(decision);
  });

  it("GIVEN a named class that does not exist in the cluster THEN it is allowed with a warning", () => {
    const decision = validateOrderAdmission(review("CREATE", order({ ...PINNED, storage_class: "gold" })), deps());
    expect(decision).toStrictEqual({
      allowed: true,
      warnings: ['spec.templateParameters.storage_class: StorageClass "gold" does not exist in this cluster'],
    });
  });

  it("GIVEN no cluster access (existence unknown) THEN there is no warning about the class", () => {
    expect(validateOrderAdmission(review("CREATE", order({ ...PINNED, storage_class: "gold" })), deps("unknown")).warnings).toEqual([]);
  });

  it("GIVEN an order without the uuid label THEN it is allowed with a warning", () => {
    const decision = validateOrderAdmission(review("CREATE", order(PINNED, { metadata: { labels: {} } })), deps());
    expect(decision).toStrictEqual({
      allowed: true,
      warnings: ["metadata.labels[cloudkit.openshift.io/virtualmachine-uuid]: missing; the VM's firmware UUID derives from namespace/name"],
    });
  });

  it("GIVEN many problems THEN all domain errors are in one Kubernetes-style message, joined with '; '", () => {
    const object = order(
      { cpu_cores: "0", colour: "red", exposed_ports: "22/tcp,22/tcp", memory: "lots" },
      { metadata: { name: "vm-" + "x".repeat(47), annotations: { [TENANT]: "t", [MANAGED_BY]: "argo" } } },
    );
    const expected = validateOrder(object).errors.map(formatFieldError);
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const message = messageOf(validateOrderAdmission(review("CREATE", object), deps()));
    expect(message).toBe(`VirtualMachine "vm-${"x".repeat(47)}" is invalid: ${expected.join("; ")}`);
    expect(message).toContain("metadata.name: is 50 characters; at most 49 are allowed");
    expect(message).toContain("metadata.annotations[cloudkit.openshift.io/managed-by]: must be one of 'aap', 'controller', 'gitops'");
  });

  it("GIVEN an unknown template THEN it is denied naming the valid templates", () => {
    const message = messageOf(validateOrderAdmission(review("CREATE", order(PINNED, { spec: { templateID: "cloudkit.templates.other" } })), deps()));
    expect(message).toMatch(/^VirtualMachine "vm-x7k2q" is invalid: spec\.templateID: unknown template; valid values are 'cloudkit\.templates\.ocp_virt_vm'/);
  });

  it("GIVEN secrets in an invalid order (bad cloud-init, a misspelt parameter holding it, broken JSON) THEN no message or warning carries them", () => {
    const cases = [
      order({ ...PINNED, cloud_init_config: SECRET_CLOUD_INIT + "!" }),
      order({ ...PINNED, cloud_init: SECRET_CLOUD_INIT, cpu_cores: "0" }),
      order(`{"cloud_init_config":"${SECRET_CLOUD_INIT}"`),
    ];
    for (const object of cases) {
      const decision = validateOrderAdmission(review("CREATE", object), deps());
      expect(decision.allowed).toBe(false);
      expect(JSON.stringify(decision)).not.toContain(SECRET_CLOUD_INIT);
      expect(JSON.stringify(decision)).not.toContain("hunter2");
    }
  });

  it("GIVEN a hand-made request whose object lacks the namespace THEN the request's namespace is used", () => {
    const object = order();
    delete (object["metadata"] as Json)["namespace"];
    expect(validateOrderAdmission(review("CREATE", object), deps()).allowed).toBe(true);
  });
});

describe("validateOrderAdmission: UPDATE", () => {
  const stored = order();

  it("GIVEN only metadata changed on an order that breaks today's rules THEN it is allowed (no spec check)", () => {
    const legacy = order('{"cpu_cores":"4","colour":"red"}', { metadata: { annotations: { [TENANT]: "t" } } });
    const withFinalizer = { ...legacy, metadata: { ...(legacy["metadata"] as Json), finalizers: ["cloudkit.openshift.io/virtualmachine"] } };
    expect(update(legacy, withFinalizer)).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN an order being deleted THEN removing its finalizer is allowed whatever the object holds", () => {
    const deleting = (finalizers: string[]) =>
      order('{"colour":"red"}', { metadata: { deletionTimestamp: "2025-12-02T00:00:00Z", finalizers, annotations: {} }, spec: { templateID: "x" } });
    expect(update(deleting(["cloudkit.openshift.io/virtualmachine-aap"]), deleting([]))).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN a changed spec that breaks a rule THEN the domain error is reported", () => {
    const message = messageOf(update(stored, order({ ...PINNED, cpu_cores: "500" })));
    expect(message).toMatch(/^VirtualMachine "vm-x7k2q" is invalid: spec\.templateParameters\.cpu_cores: must be a whole number of cores from 1 to 128/);
  });

  it.each([
    ["cpu and memory", { ...PINNED, cpu_cores: "8", memory: "8Gi" }],
    ["disk_size grows", { ...PINNED, disk_size: "20Gi" }],
    ["disk_size written differently, same bytes", { ...PINNED, disk_size: "10240Mi" }],
    ["image_source gains docker://", { ...PINNED, image_source: "docker://quay.io/containerdisks/fedora:41" }],
    ["ports", { ...PINNED, exposed_ports: "22/tcp,80/tcp" }],
  ])("GIVEN an allowed spec change (%s) THEN it is allowed", (_case, parameters) => {
    expect(update(stored, order(parameters))).toStrictEqual({ allowed: true, warnings: [] });
  });

  it.each([
    ["20Gi", "10Gi"],
    ["1Ti", "1000Gi"],
    ["1T", "0.9Ti"],
    ["10Gi", "10737418239"],
  ])("GIVEN disk_size %s WHEN updated to %s THEN it is denied: disks only grow", (before, after) => {
    const message = messageOf(update(order({ ...PINNED, disk_size: before }), order({ ...PINNED, disk_size: after })));
    expect(message).toBe(
      `VirtualMachine "vm-x7k2q" is invalid: spec.templateParameters.disk_size: may only grow: a disk cannot shrink; it was "${before}" (got "${after}")`,
    );
  });

  it("GIVEN disk_size absent (the 10Gi default) WHEN updated to 9Gi THEN it is denied", () => {
    const { disk_size: _omitted, ...withoutDisk } = PINNED;
    expect(messageOf(update(order(withoutDisk), order({ ...withoutDisk, disk_size: "9Gi" })))).toContain('it was "10Gi" (got "9Gi")');
  });

  it("GIVEN an image change THEN it is denied; the explicit default for an absent image is not a change", () => {
    const message = messageOf(update(stored, order({ ...PINNED, image_source: "quay.io/containerdisks/centos-stream:9" })));
    expect(message).toBe(
      'VirtualMachine "vm-x7k2q" is invalid: spec.templateParameters.image_source: is immutable: the root disk was imported from ' +
        '"quay.io/containerdisks/fedora:41"; order a new VM for another image (got "quay.io/containerdisks/centos-stream:9")',
    );
    const { image_source: _omitted, ...withoutImage } = PINNED;
    expect(update(order(withoutImage), order({ ...withoutImage, image_source: "quay.io/containerdisks/fedora:latest" })).allowed).toBe(true);
  });

  it("GIVEN a templateID change, even to an alias THEN it is denied", () => {
    const message = messageOf(update(stored, order(PINNED, { spec: { templateID: "osac.templates.ocp_virt_vm" } })));
    expect(message).toBe(
      'VirtualMachine "vm-x7k2q" is invalid: spec.templateID: is immutable: a VM cannot change template; it was "cloudkit.templates.ocp_virt_vm" (got "osac.templates.ocp_virt_vm")',
    );
  });

  it.each([
    ["changed", { ...PINNED, storage_class: "fast" }, 'it was "standard" (got "fast")'],
    ["removed", (({ storage_class: _s, ...rest }) => rest)(PINNED), 'it was "standard"'],
  ])("GIVEN storage_class %s THEN it is denied: the disk cannot move", (_case, parameters, tail) => {
    const message = messageOf(update(stored, order(parameters)));
    expect(message).toBe(`VirtualMachine "vm-x7k2q" is invalid: spec.templateParameters.storage_class: is immutable: the root disk cannot move to another StorageClass; ${tail}`);
  });

  it("GIVEN storage_class added to an order that had none THEN it is denied", () => {
    const { storage_class: _s, ...withoutClass } = PINNED;
    expect(messageOf(update(order(withoutClass), order(PINNED)))).toContain("storage_class: is immutable: the root disk cannot move to another StorageClass; it was not set (got \"standard\")");
  });

  it.each([
    ["changed", { [TENANT]: "other-tenant", [MANAGED_BY]: "controller" }, ' (got "other-tenant")'],
    ["removed", { [MANAGED_BY]: "controller" }, ""],
  ])("GIVEN the tenant annotation %s THEN it is denied", (_case, annotations, got) => {
    const message = messageOf(update(stored, order(PINNED, { metadata: { annotations } })));
    expect(message).toBe(
      `VirtualMachine "vm-x7k2q" is invalid: metadata.annotations[cloudkit.openshift.io/tenant]: is immutable: the VM lives in the tenant's namespace; it was "my-tenant"${got}`,
    );
  });

  it("GIVEN a legacy order without a tenant WHEN one is added THEN it is allowed", () => {
    expect(update(order(PINNED, { metadata: { annotations: {} } }), order()).allowed).toBe(true);
  });

  it.each([
    ["gitops", "aap", ["metadata.annotations[cloudkit.openshift.io/managed-by]: 'gitops' → 'aap': rolled back to the Ansible path"]],
    ["controller", "aap", ["metadata.annotations[cloudkit.openshift.io/managed-by]: 'controller' → 'aap': rolled back to the Ansible path"]],
    ["controller", "gitops", ["metadata.annotations[cloudkit.openshift.io/managed-by]: 'controller' → 'gitops': the children change owner"]],
    ["gitops", "controller", ["metadata.annotations[cloudkit.openshift.io/managed-by]: 'gitops' → 'controller': the children change owner"]],
    ["aap", "controller", []],
    ["aap", "gitops", []],
    [undefined, "gitops", []],
  ])("GIVEN managed-by %s WHEN changed to %s THEN it is allowed with these warnings", (from, to, warnings) => {
    const annotations = (value: string | undefined) => ({ [TENANT]: "my-tenant", ...(value === undefined ? {} : { [MANAGED_BY]: value }) });
    const decision = update(order(PINNED, { metadata: { annotations: annotations(from) } }), order(PINNED, { metadata: { annotations: annotations(to) } }));
    expect(decision).toStrictEqual({ allowed: true, warnings });
    expectShortWarnings(decision);
  });

  it("GIVEN managed-by removed THEN it is denied, saying how to hand the order back", () => {
    const message = messageOf(update(stored, order(PINNED, { metadata: { annotations: { [TENANT]: "my-tenant" } } })));
    expect(message).toBe(
      'VirtualMachine "vm-x7k2q" is invalid: metadata.annotations[cloudkit.openshift.io/managed-by]: cannot be removed (it was "controller"); set \'aap\' to hand the order back to the Ansible path',
    );
  });

  it("GIVEN managed-by changed to an unknown value THEN the domain error is reported", () => {
    expect(messageOf(update(stored, order(PINNED, { metadata: { annotations: { [TENANT]: "my-tenant", [MANAGED_BY]: "argo" } } })))).toContain(
      "must be one of 'aap', 'controller', 'gitops' (got \"argo\")",
    );
  });

  it("GIVEN several update rules broken at once THEN every error is in the one message, and warnings still come", () => {
    const after = order(
      { ...PINNED, disk_size: "1Gi", image_source: "quay.io/containerdisks/fedora:latest", cpu_cores: "0" },
      { metadata: { annotations: { [TENANT]: "someone-else", [MANAGED_BY]: "aap" } } },
    );
    const decision = update(stored, after);
    const message = messageOf(decision);
    const positions = [
      "; spec.templateParameters.cpu_cores: must be a whole number",
      "; metadata.annotations[cloudkit.openshift.io/tenant]: is immutable",
      "; spec.templateParameters.image_source: is immutable",
      "; spec.templateParameters.disk_size: may only grow",
    ].map((part) => `; ${message.split(" is invalid: ")[1]}`.indexOf(part));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(decision.warnings).toEqual(["metadata.annotations[cloudkit.openshift.io/managed-by]: 'controller' → 'aap': rolled back to the Ansible path"]);
  });

  it("GIVEN an invalid old order WHEN the spec changes THEN the rules that need the old value are skipped, the new value is checked", () => {
    const broken = order({ ...PINNED, disk_size: "lots" });
    expect(update(broken, order({ ...PINNED, disk_size: "1Gi" })).allowed).toBe(true);
  });
});

describe("validateOrderAdmission: requests it does not check", () => {
  it.each(["DELETE", "CONNECT"] as const)("GIVEN a %s THEN it is allowed", (operation) => {
    expect(validateOrderAdmission(review(operation, null, { oldObject: order() }), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN the status subresource THEN it is allowed", () => {
    expect(validateOrderAdmission(review("UPDATE", order('{"colour":"red"}'), { oldObject: order(), subResource: "status" }), deps())).toStrictEqual({
      allowed: true,
      warnings: [],
    });
  });

  it("GIVEN an unexpected resource THEN it is allowed with a warning", () => {
    const request = review("CREATE", {}, {
      kind: { group: "cloudkit.openshift.io", version: "v1beta1", kind: "VirtualMachine" },
      resource: { group: "cloudkit.openshift.io", version: "v1beta1", resource: "virtualmachines" },
    });
    expect(validateOrderAdmission(request, deps())).toStrictEqual({
      allowed: true,
      warnings: ["admission: unexpected cloudkit.openshift.io/v1beta1 virtualmachines (VirtualMachine); allowed unchecked"],
    });
  });

  it("GIVEN a CREATE without an object THEN it is a bad request", () => {
    expect(validateOrderAdmission(review("CREATE", undefined), deps())).toStrictEqual({
      allowed: false,
      warnings: [],
      status: { code: 400, reason: "BadRequest", message: "the CREATE request for a VirtualMachine carries no object" },
    });
  });

  it("GIVEN dryRun THEN every decision is the same as without", () => {
    for (const object of [order(), order({ cpu_cores: "0" }), order({ ...PINNED, storage_class: "gold" })]) {
      expect(validateOrderAdmission(review("CREATE", object, { dryRun: true }), deps())).toStrictEqual(validateOrderAdmission(review("CREATE", object), deps()));
    }
  });
});

describe("validateOrderAdmission: the firmware UUID pin (ADR 3, ADR 32)", () => {
  const FIRMWARE = "cloudkit.openshift.io/firmware-uuid";
  const PIN = "0b7e2c41-93f5-4d0a-8e6b-2f1c9d3a7e55";
  const withAnnotations = (annotations: Json) => order(PINNED, { metadata: { annotations: { [TENANT]: "my-tenant", ...annotations } } });

  it("GIVEN a malformed pin on CREATE THEN it is denied naming the field, the value and what is accepted", () => {
    const message = messageOf(validateOrderAdmission(review("CREATE", withAnnotations({ [MANAGED_BY]: "controller", [FIRMWARE]: "not-a-uuid" })), deps()));
    expect(message).toContain(`metadata.annotations[${FIRMWARE}]: must be a UUID (8-4-4-4-12 hexadecimal digits`);
    expect(message).toContain('(got "not-a-uuid")');
  });

  it("GIVEN a pin added to an aap order (adoption) THEN it is allowed without warnings", () => {
    const before = withAnnotations({ [MANAGED_BY]: "aap" });
    expect(update(before, withAnnotations({ [MANAGED_BY]: "aap", [FIRMWARE]: PIN }))).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN a malformed pin added on UPDATE THEN it is denied by the domain's rule", () => {
    const before = withAnnotations({ [MANAGED_BY]: "aap" });
    expect(messageOf(update(before, withAnnotations({ [MANAGED_BY]: "aap", [FIRMWARE]: "1234" })))).toContain(`metadata.annotations[${FIRMWARE}]: must be a UUID`);
  });

  it("GIVEN a pin added to a controller order THEN it is allowed with a warning that the VM takes it on its next restart", () => {
    const decision = update(withAnnotations({ [MANAGED_BY]: "controller" }), withAnnotations({ [MANAGED_BY]: "controller", [FIRMWARE]: PIN }));
    expect(decision.allowed).toBe(true);
    expect(decision.warnings).toEqual([`metadata.annotations[${FIRMWARE}]: on a 'controller' order: applies at the VM's next restart`]);
  });

  it("GIVEN a pin changed THEN it is denied: immutable, naming the old value", () => {
    const before = withAnnotations({ [MANAGED_BY]: "aap", [FIRMWARE]: PIN });
    const other = "7d3c1f20-1b2a-4c5d-9e8f-0a1b2c3d4e5f";
    expect(messageOf(update(before, withAnnotations({ [MANAGED_BY]: "aap", [FIRMWARE]: other })))).toBe(
      `VirtualMachine "vm-x7k2q" is invalid: metadata.annotations[${FIRMWARE}]: is immutable: it pins the VM's firmware identity; it was "${PIN}" (got "${other}")`,
    );
  });

  it("GIVEN a pin removed from a controller order THEN it is denied; from an aap order (a rollback) it is allowed", () => {
    const controller = withAnnotations({ [MANAGED_BY]: "controller", [FIRMWARE]: PIN });
    expect(messageOf(update(controller, withAnnotations({ [MANAGED_BY]: "controller" })))).toContain(`metadata.annotations[${FIRMWARE}]: cannot be removed while the order is managed by 'controller'`);
    const aap = withAnnotations({ [MANAGED_BY]: "aap", [FIRMWARE]: PIN });
    expect(update(aap, withAnnotations({ [MANAGED_BY]: "aap" }))).toStrictEqual({ allowed: true, warnings: [] });
  });
});
