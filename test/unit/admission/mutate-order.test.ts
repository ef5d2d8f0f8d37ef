import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rolloutBucket } from "../../../src/domain/rollout.ts";
import { mutateOrder } from "../../../src/webhook/admission/index.ts";
import { applyJsonPatch } from "../../../src/webhook/admission/json-patch.ts";
import type { AdmissionDeps, AdmissionRequest, ManagedByPolicy } from "../../../src/webhook/admission/types.ts";

const UUID = "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11";
const PARAMETERS =
  '{"cpu_cores":"4","disk_size":"10Gi","exposed_ports":"22/tcp","image_source":"quay.io/containerdisks/fedora:latest","memory":"4Gi"}';
const MANAGED_BY = "cloudkit.openshift.io/managed-by";
const SECRET_CLOUD_INIT = Buffer.from("#cloud-config\npassword: hunter2-very-secret\n").toString("base64");

type Json = Record<string, unknown>;

/** An order as fulfillment-service POSTs it: generateName, uuid label, tenant annotation, managedFields. */
function order(overrides: { metadata?: Json; spec?: Json; [key: string]: unknown } = {}): Json {
  const { metadata, spec, ...rest } = overrides;
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      generateName: "vm-",
      namespace: "cloudkit-vm-orders",
      labels: { "cloudkit.openshift.io/virtualmachine-uuid": UUID },
      annotations: { "cloudkit.openshift.io/tenant": "my-tenant" },
      managedFields: [{ manager: "fulfillment-controller", operation: "Update", apiVersion: "cloudkit.openshift.io/v1alpha1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": {} } }],
      ...metadata,
    },
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: PARAMETERS, ...spec },
    ...rest,
  };
}

/** The `request` of an AdmissionReview as kube-apiserver sends it, with the fields it always carries. */
function review(operation: AdmissionRequest["operation"], object: unknown, extra: Partial<AdmissionRequest> & Json = {}): AdmissionRequest {
  const name = (object as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? "";
  return {
    uid: "0df28fbd-5f5f-11e8-b7cc-42010a800002",
    kind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
    resource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
    requestKind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
    requestResource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
    name,
    namespace: "cloudkit-vm-orders",
    operation,
    userInfo: { username: "system:serviceaccount:osac:fulfillment-controller", groups: ["system:serviceaccounts", "system:authenticated"] },
    object,
    oldObject: null,
    dryRun: false,
    options: { kind: operation === "CREATE" ? "CreateOptions" : "UpdateOptions", apiVersion: "meta.k8s.io/v1" },
    ...extra,
  } as AdmissionRequest;
}

function deps(overrides: { defaultClass?: string; defaultWarnings?: string[]; env?: string; policy?: ManagedByPolicy; image?: string } = {}): AdmissionDeps {
  const defaultClass = "defaultClass" in overrides ? overrides.defaultClass : "standard";
  return {
    storageClasses: {
      defaultClass: () => (defaultClass === undefined ? undefined : { name: defaultClass, warnings: overrides.defaultWarnings ?? [] }),
      exists: () => true,
    },
    managedBy: overrides.policy ?? { defaultMode: "aap" },
    ...(overrides.env === undefined ? {} : { envStorageClass: overrides.env }),
    ...(overrides.image === undefined ? {} : { imageSourceDefault: overrides.image }),
  };
}

/** Mutates, applies the patch to the raw object, and proves a second round changes nothing. */
function mutated(request: AdmissionRequest, dependencies: AdmissionDeps = deps()) {
  const decision = mutateOrder(request, dependencies);
  expect(decision.allowed).toBe(true);
  const result = decision.patch ? (applyJsonPatch(request.object, decision.patch) as Json) : (request.object as Json);
  const again = mutateOrder({ ...request, object: result }, dependencies);
  expect(again).toStrictEqual({ allowed: true, warnings: again.warnings });
  expect(again.patch).toBeUndefined();
  return { decision, result };
}

function annotationsOf(object: Json): Json | undefined {
  return (object["metadata"] as Json)["annotations"] as Json | undefined;
}

function parametersOf(object: Json): unknown {
  return (object["spec"] as Json)["templateParameters"];
}

describe("mutateOrder: managed-by", () => {
  it("GIVEN a generateName CREATE from fulfillment-service WHEN mutated THEN managed-by and storage_class are added with exactly these operations", () => {
    const { decision, result } = mutated(review("CREATE", order()));
    expect(decision).toStrictEqual({
      allowed: true,
      warnings: [],
      patch: [
        { op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1managed-by", value: "aap" },
        { op: "replace", path: "/spec/templateParameters", value: PARAMETERS.slice(0, -1) + ',"storage_class":"standard"}' },
      ],
    });
    expect(result).toStrictEqual(
      order({
        metadata: { annotations: { "cloudkit.openshift.io/tenant": "my-tenant", [MANAGED_BY]: "aap" } },
        spec: { templateParameters: PARAMETERS.slice(0, -1) + ',"storage_class":"standard"}' },
      }),
    );
  });

  it("GIVEN an order without annotations WHEN created THEN the whole annotations map is added", () => {
    const object = order();
    delete (object["metadata"] as Json)["annotations"];
    const { decision, result } = mutated(review("CREATE", object));
    expect(decision.patch?.[0]).toStrictEqual({ op: "add", path: "/metadata/annotations", value: { [MANAGED_BY]: "aap" } });
    expect(annotationsOf(result)).toStrictEqual({ [MANAGED_BY]: "aap" });
  });

  it.each(["aap", "controller", "gitops", "not-a-mode"])("GIVEN managed-by %j already set WHEN created THEN it is never changed", (value) => {
    const object = order({ metadata: { annotations: { "cloudkit.openshift.io/tenant": "t", [MANAGED_BY]: value } }, spec: { templateParameters: '{"storage_class":"fast"}' } });
    const decision = mutateOrder(review("CREATE", object), deps({ policy: { defaultMode: "gitops" } }));
    expect(decision).toStrictEqual({ allowed: true, warnings: [] });
  });

  describe("GIVEN a staged rollout", () => {
    const policy = (percent: number): ManagedByPolicy => ({ defaultMode: "aap", rollout: { mode: "controller", percent } });
    const modeFor = (object: Json, percent: number, requestUid?: string) => {
      const { result } = mutated(review("CREATE", object, requestUid === undefined ? {} : { uid: requestUid }), deps({ policy: policy(percent) }));
      return annotationsOf(result)?.[MANAGED_BY];
    };
    const bucket = rolloutBucket(UUID);

    it("WHEN the uuid's bucket is below the percentage THEN the order gets the rollout mode, else the default", () => {
      expect(modeFor(order(), bucket + 1)).toBe("controller");
      expect(modeFor(order(), bucket)).toBe("aap");
      expect(modeFor(order(), 100)).toBe("controller");
      expect(modeFor(order(), 0)).toBe("aap");
    });

    it("WHEN the same uuid comes with another name or request THEN it lands in the same bucket", () => {
      const named = order({ metadata: { name: "vm-other", generateName: undefined } });
      expect(modeFor(named, bucket + 1, "another-request")).toBe("controller");
      expect(modeFor(named, bucket, "another-request")).toBe("aap");
    });

    it("WHEN an order has no uuid label but a name THEN namespace/name is the key", () => {
      const object = order({ metadata: { name: "vm-a", labels: {} } });
      const own = rolloutBucket("cloudkit-vm-orders/vm-a");
      expect(modeFor(object, own + 1)).toBe("controller");
      expect(modeFor(object, own)).toBe("aap");
    });

    it("WHEN a generateName order has no uuid label THEN the request uid is the key", () => {
      const object = order({ metadata: { labels: {} } });
      const own = rolloutBucket("req-1");
      expect(modeFor(object, own + 1, "req-1")).toBe("controller");
      expect(modeFor(object, own, "req-1")).toBe("aap");
    });
  });

  it("GIVEN an UPDATE of an order stored before the webhook (no managed-by) THEN 'aap' is set and nothing else changes", () => {
    const stored = order({ metadata: { name: "vm-x7k2q", generateName: "vm-", resourceVersion: "4711" } });
    const updated = order({ metadata: { name: "vm-x7k2q", generateName: "vm-", resourceVersion: "4711", finalizers: ["cloudkit.openshift.io/virtualmachine"] } });
    const { decision, result } = mutated(review("UPDATE", updated, { oldObject: stored }), deps({ policy: { defaultMode: "gitops" } }));
    expect(decision.patch).toStrictEqual([{ op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1managed-by", value: "aap" }]);
    expect(parametersOf(result)).toBe(PARAMETERS);
  });

  it("GIVEN an UPDATE that dropped a stored managed-by (a client rewrote the annotations) THEN the stored value is restored", () => {
    const stored = order({ metadata: { name: "vm-a", annotations: { "cloudkit.openshift.io/tenant": "t", [MANAGED_BY]: "gitops" } } });
    const updated = order({ metadata: { name: "vm-a", annotations: { "cloudkit.openshift.io/tenant": "t" } } });
    const { result } = mutated(review("UPDATE", updated, { oldObject: stored }));
    expect(annotationsOf(result)).toStrictEqual({ "cloudkit.openshift.io/tenant": "t", [MANAGED_BY]: "gitops" });
  });
});

describe("mutateOrder: storage_class", () => {
  it.each([
    ["absent templateParameters", undefined, "add", '{"storage_class":"standard"}'],
    ["empty templateParameters", "", "replace", '{"storage_class":"standard"}'],
    ["{}", "{}", "replace", '{"storage_class":"standard"}'],
    ["pretty-printed parameters", '{\n  "cpu_cores": 4\n}', "replace", '{\n  "cpu_cores": 4,\n  "storage_class": "standard"\n}'],
  ])("GIVEN %s WHEN created THEN storage_class is written into the text (%s)", (_case, text, op, expected) => {
    const object = order({ metadata: { annotations: { [MANAGED_BY]: "aap", "cloudkit.openshift.io/tenant": "t" } } });
    if (text === undefined) delete (object["spec"] as Json)["templateParameters"];
    else (object["spec"] as Json)["templateParameters"] = text;
    const { decision, result } = mutated(review("CREATE", object));
    expect(decision.patch).toStrictEqual([{ op, path: "/spec/templateParameters", value: expected }]);
    expect(parametersOf(result)).toBe(expected);
  });

  it("GIVEN CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS THEN it wins over the cluster default", () => {
    const { result } = mutated(review("CREATE", order()), deps({ env: "ceph-rbd", defaultClass: "standard" }));
    expect(parametersOf(result)).toBe(PARAMETERS.slice(0, -1) + ',"storage_class":"ceph-rbd"}');
  });

  it("GIVEN several default classes THEN the view's warning about the choice is passed through (≤ 120 characters)", () => {
    const warning = 'StorageClasses "a" and "b" are both marked default; chose the newest, "b"';
    const { decision } = mutated(review("CREATE", order()), deps({ defaultClass: "b", defaultWarnings: [warning, "x".repeat(300)] }));
    expect(decision.warnings[0]).toBe(warning);
    expect(decision.warnings[1]).toHaveLength(120);
    expect(decision.warnings[1]?.endsWith("…")).toBe(true);
  });

  it("GIVEN an order that names its class, even as null THEN the parameters are left alone", () => {
    for (const text of ['{"storage_class":"fast"}', '{"storage_class":null}']) {
      const object = order({ metadata: { annotations: { [MANAGED_BY]: "aap" } }, spec: { templateParameters: text } });
      expect(mutateOrder(review("CREATE", object), deps()).patch).toBeUndefined();
    }
  });

  it.each([
    ["an unknown template", { templateID: "cloudkit.templates.other" }],
    ["unparseable parameters", { templateParameters: '{"cpu_cores":' }],
    ["parameters that are a JSON array", { templateParameters: "[1]" }],
    ["parameters written as a YAML mapping", { templateParameters: { cpu_cores: 4 } }],
  ])("GIVEN %s THEN storage is not mutated (validation denies what it must)", (_case, spec) => {
    const object = order({ metadata: { annotations: { [MANAGED_BY]: "aap" } }, spec });
    expect(mutateOrder(review("CREATE", object), deps()).patch).toBeUndefined();
    expect(mutateOrder(review("CREATE", object), deps({ defaultClass: undefined }))).toStrictEqual({ allowed: true, warnings: [] });
  });

  it.each([
    "cloudkit.templates.ocp_virt_vm",
    "osac.templates.ocp_virt_vm",
    "osac.massopencloud.ocp_virt_vm",
  ])("GIVEN the template alias %s THEN storage_class is defaulted", (templateID) => {
    const { result } = mutated(review("CREATE", order({ spec: { templateID, templateParameters: "{}" } })));
    expect(parametersOf(result)).toBe('{"storage_class":"standard"}');
  });

  it("GIVEN no env class and no cluster default WHEN created THEN it is denied, naming the field and the three fixes, and no secret", () => {
    const object = order({ spec: { templateParameters: JSON.stringify({ cloud_init_config: SECRET_CLOUD_INIT }) } });
    const decision = mutateOrder(review("CREATE", object), deps({ defaultClass: undefined }));
    expect(decision.allowed).toBe(false);
    expect(decision.patch).toBeUndefined();
    expect(decision.status).toStrictEqual({
      code: 422,
      reason: "Invalid",
      message:
        'VirtualMachine "vm-" is invalid: spec.templateParameters.storage_class: is not set and there is no class to default to; ' +
        "name one in the order (storage_class), set CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS on the webhook, " +
        'or mark a StorageClass default with the annotation storageclass.kubernetes.io/is-default-class: "true"',
    });
    expect(JSON.stringify(decision)).not.toContain(SECRET_CLOUD_INIT);
  });

  it("GIVEN an UPDATE whose parameters dropped the stored storage_class THEN the stored class is put back", () => {
    const stored = order({ metadata: { name: "vm-a", annotations: { [MANAGED_BY]: "gitops" } }, spec: { templateParameters: '{"cpu_cores":"4","storage_class":"fast"}' } });
    const updated = order({ metadata: { name: "vm-a", annotations: { [MANAGED_BY]: "gitops" } }, spec: { templateParameters: '{"cpu_cores":"8"}' } });
    const { result } = mutated(review("UPDATE", updated, { oldObject: stored }), deps({ defaultClass: "standard" }));
    expect(parametersOf(result)).toBe('{"cpu_cores":"8","storage_class":"fast"}');
  });

  it("GIVEN an UPDATE of an order that never had a class THEN none is added, even without any default", () => {
    const stored = order({ metadata: { name: "vm-a", annotations: { [MANAGED_BY]: "aap" } } });
    const updated = order({ metadata: { name: "vm-a", annotations: { [MANAGED_BY]: "aap" } }, spec: { templateParameters: '{"cpu_cores":"8"}' } });
    expect(mutateOrder(review("UPDATE", updated, { oldObject: stored }), deps({ defaultClass: undefined }))).toStrictEqual({ allowed: true, warnings: [] });
  });
});

describe("mutateOrder: what is never touched", () => {
  it("GIVEN unknown fields anywhere in the raw object THEN they survive the patch byte for byte", () => {
    const object = order({
      metadata: { annotations: { "cloudkit.openshift.io/tenant": "t", "example.com/a~b": "kept" }, futureMetadataField: { x: 1 } },
      spec: { futureSpecField: ["a", { b: null }] },
      status: { phase: "Progressing", futureStatus: true },
      topLevelExtra: 42,
    });
    const { result } = mutated(review("CREATE", object));
    const expected = structuredClone(object);
    (expected["metadata"] as { annotations: Json }).annotations[MANAGED_BY] = "aap";
    (expected["spec"] as Json)["templateParameters"] = PARAMETERS.slice(0, -1) + ',"storage_class":"standard"}';
    expect(result).toStrictEqual(expected);
  });

  it("GIVEN an order being deleted (finalizer removal) THEN nothing is mutated", () => {
    const updated = order({ metadata: { name: "vm-a", deletionTimestamp: "2025-12-01T10:00:00Z", finalizers: [] } });
    const stored = order({ metadata: { name: "vm-a", deletionTimestamp: "2025-12-01T10:00:00Z", finalizers: ["cloudkit.openshift.io/virtualmachine-aap"] } });
    expect(mutateOrder(review("UPDATE", updated, { oldObject: stored }), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it.each(["DELETE", "CONNECT"] as const)("GIVEN a %s THEN it is allowed without a patch", (operation) => {
    expect(mutateOrder(review(operation, null, { oldObject: order({ metadata: { name: "vm-a" } }) }), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN a status subresource update THEN it is allowed without a patch", () => {
    expect(mutateOrder(review("UPDATE", order({ metadata: { name: "vm-a" } }), { subResource: "status" }), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN an unexpected resource THEN it is allowed unchanged with a warning", () => {
    const request = review("CREATE", { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "x" } }, {
      kind: { group: "kubevirt.io", version: "v1", kind: "VirtualMachine" },
      resource: { group: "kubevirt.io", version: "v1", resource: "virtualmachines" },
    });
    expect(mutateOrder(request, deps())).toStrictEqual({
      allowed: true,
      warnings: ["admission: unexpected kubevirt.io/v1 virtualmachines (VirtualMachine); allowed unchecked"],
    });
  });

  it("GIVEN dryRun THEN the decision is the same as without", () => {
    const object = order();
    expect(mutateOrder(review("CREATE", object, { dryRun: true }), deps())).toStrictEqual(mutateOrder(review("CREATE", object), deps()));
  });
});

describe("mutateOrder: idempotence (reinvocationPolicy IfNeeded)", () => {
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
  const scenario = fc.record({
    operation: fc.constantFrom("CREATE" as const, "UPDATE" as const),
    annotations: fc.constantFrom("absent", "null", "empty", "tenant-only", "managed"),
    oldManaged: maybe(fc.constantFrom("aap", "controller", "gitops")),
    oldClass: maybe(fc.constantFrom("fast", "slow")),
    parameters: maybe(fc.constantFrom("", "{}", "{ }", PARAMETERS, '{\n  "memory": "4Gi"\n}', '{"storage_class":"x"}', "broken")),
    templateID: fc.constantFrom("cloudkit.templates.ocp_virt_vm", "osac.templates.ocp_virt_vm", "unknown.template"),
    env: maybe(fc.constantFrom("env-class")),
    defaultClass: maybe(fc.constantFrom("standard")),
    percent: fc.integer({ min: 0, max: 100 }),
    uuid: maybe(fc.uuid()),
  });

  it("GIVEN any order and policy WHEN the patch is applied and the result re-submitted THEN there is no second patch", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const metadata: Json = { generateName: "vm-", namespace: "ns", ...(s.uuid ? { labels: { "cloudkit.openshift.io/virtualmachine-uuid": s.uuid } } : {}) };
        if (s.annotations === "null") metadata["annotations"] = null;
        if (s.annotations === "empty") metadata["annotations"] = {};
        if (s.annotations === "tenant-only") metadata["annotations"] = { "cloudkit.openshift.io/tenant": "t" };
        if (s.annotations === "managed") metadata["annotations"] = { [MANAGED_BY]: "gitops" };
        const spec: Json = { templateID: s.templateID, ...(s.parameters === undefined ? {} : { templateParameters: s.parameters }) };
        const object = { apiVersion: "cloudkit.openshift.io/v1alpha1", kind: "VirtualMachine", metadata, spec, extra: { kept: true } };
        const oldObject = {
          ...object,
          metadata: { ...metadata, annotations: s.oldManaged ? { [MANAGED_BY]: s.oldManaged } : {} },
          spec: { ...spec, templateParameters: s.oldClass ? JSON.stringify({ storage_class: s.oldClass }) : "{}" },
        };
        const dependencies = deps({
          ...(s.env ? { env: s.env } : {}),
          defaultClass: s.defaultClass,
          policy: { defaultMode: "aap", rollout: { mode: "gitops", percent: s.percent } },
        });
        const request = review(s.operation, object, s.operation === "UPDATE" ? { oldObject } : {});
        const first = mutateOrder(request, dependencies);
        if (!first.allowed) {
          expect(first.status?.reason).toBe("Invalid");
          return;
        }
        const result = first.patch ? (applyJsonPatch(object, first.patch) as Json) : object;
        expect(result["extra"]).toStrictEqual({ kept: true });
        expect(mutateOrder({ ...request, object: result }, dependencies).patch).toBeUndefined();
      }),
      { numRuns: 1500 },
    );
  });
});

describe("mutateOrder: image_source, when the operator pinned a default (OSAC_VM_DEFAULT_IMAGE_SOURCE)", () => {
  const PINNED = "quay.io/containerdisks/fedora:41";
  const WITHOUT_IMAGE = '{"cpu_cores":"4","memory":"4Gi"}';

  function withParameters(text: string): Json {
    return order({ metadata: { annotations: { [MANAGED_BY]: "aap", "cloudkit.openshift.io/tenant": "t" } }, spec: { templateParameters: text } });
  }

  it("GIVEN a new order without an image THEN the pinned image is written beside the storage class, in one edit of the text", () => {
    const { decision, result } = mutated(review("CREATE", withParameters(WITHOUT_IMAGE)), deps({ image: PINNED }));
    const expected = '{"cpu_cores":"4","memory":"4Gi","storage_class":"standard","image_source":"quay.io/containerdisks/fedora:41"}';
    expect(decision.patch).toStrictEqual([{ op: "replace", path: "/spec/templateParameters", value: expected }]);
    expect(parametersOf(result)).toBe(expected);
  });

  it("GIVEN a new order without parameters THEN they are added with both defaults", () => {
    const object = withParameters("");
    delete (object["spec"] as Json)["templateParameters"];
    const { decision } = mutated(review("CREATE", object), deps({ image: PINNED, env: "ceph-rbd" }));
    expect(decision.patch).toStrictEqual([{ op: "add", path: "/spec/templateParameters", value: '{"storage_class":"ceph-rbd","image_source":"quay.io/containerdisks/fedora:41"}' }]);
  });

  it.each([
    ["its own image", '{"image_source":"quay.io/vm/rhel:9.4","storage_class":"fast"}'],
    ["the image null", '{"image_source":null,"storage_class":"fast"}'],
  ])("GIVEN a new order that names %s THEN it is left alone", (_case, text) => {
    expect(mutateOrder(review("CREATE", withParameters(text)), deps({ image: PINNED }))).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN no pinned default THEN a new order keeps the Ansible role's default (no image written: aap-parity)", () => {
    const { result } = mutated(review("CREATE", withParameters(WITHOUT_IMAGE)), deps());
    expect(parametersOf(result)).toBe('{"cpu_cores":"4","memory":"4Gi","storage_class":"standard"}');
  });

  it("GIVEN an UPDATE whose parameters dropped the stored image THEN it is put back (it is immutable)", () => {
    const stored = withParameters('{"cpu_cores":"4","storage_class":"fast","image_source":"quay.io/containerdisks/fedora:40"}');
    const updated = withParameters('{"cpu_cores":"4","storage_class":"fast"}');
    const { result } = mutated(review("UPDATE", updated, { oldObject: stored }), deps({ image: PINNED }));
    expect(parametersOf(result)).toBe('{"cpu_cores":"4","storage_class":"fast","image_source":"quay.io/containerdisks/fedora:40"}');
  });

  it("GIVEN an UPDATE of an order stored without an image THEN none is added: existing VMs never change image", () => {
    const stored = withParameters('{"cpu_cores":"4","storage_class":"fast"}');
    const updated = withParameters('{"cpu_cores":"8","storage_class":"fast"}');
    expect(mutateOrder(review("UPDATE", updated, { oldObject: stored }), deps({ image: PINNED }))).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN no pinned default and an UPDATE that dropped the stored image THEN nothing is put back (as before the setting existed)", () => {
    const stored = withParameters('{"storage_class":"fast","image_source":"quay.io/containerdisks/fedora:40"}');
    const updated = withParameters('{"storage_class":"fast"}');
    expect(mutateOrder(review("UPDATE", updated, { oldObject: stored }), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });
});
