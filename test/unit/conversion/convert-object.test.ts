import { describe, expect, it } from "vitest";
import { ConversionAnnotations, ConversionError, convertObject } from "../../../src/api/conversion/index.ts";

const V1ALPHA1 = "cloudkit.openshift.io/v1alpha1";
const V1BETA1 = "cloudkit.openshift.io/v1beta1";
const TEMPLATE = "cloudkit.templates.ocp_virt_vm";
const OTHER_TEMPLATE = "acme.templates.postgres_cluster";
const RAW = ConversionAnnotations.v1alpha1TemplateParameters;
const SAVED = ConversionAnnotations.v1beta1Parameters;
const KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnV0rEmQyqZbnwtvYpVqN7eR8ts0x8vPa1bJmW7dXbM ops@example.com";
const KEY_B = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 oncall@example.com";
const CLOUD_INIT = "I2Nsb3VkLWNvbmZpZwpwYWNrYWdlczogW25naW54XQo=";

type Json = Record<string, any>;

/** Everything the API server sends in metadata, as it sends it. */
function metadata(extraAnnotations: Record<string, string> = {}): Json {
  return {
    name: "vm-x7k2q",
    namespace: "cloudkit-vm-orders",
    uid: "0b6e3d0a-6c55-4a43-8d59-2f4e7d1c9a30",
    resourceVersion: "48213",
    generation: 3,
    creationTimestamp: "2026-01-06T10:00:00Z",
    labels: { "cloudkit.openshift.io/virtualmachine-uuid": "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11" },
    annotations: { "cloudkit.openshift.io/tenant": "my-tenant", "cloudkit.openshift.io/managed-by": "gitops", ...extraAnnotations },
    finalizers: ["cloudkit.openshift.io/virtualmachine"],
    managedFields: [{ manager: "fulfillment-service", operation: "Update", apiVersion: V1ALPHA1, fieldsType: "FieldsV1", fieldsV1: { "f:spec": {} } }],
  };
}

const STATUS = {
  phase: "Ready",
  conditions: [{ type: "Available", status: "True", reason: "VirtualMachineReady", message: "The VM is running", lastTransitionTime: "2026-01-06T10:01:00Z" }],
  virtualMachineReference: { namespace: "my-tenant-abcdefghijklm", kubeVirtVirtualMachineName: "vm-x7k2q" },
  desiredConfigVersion: "9c3f0a7b2d1e4f56",
};

/** A v1alpha1 order as stored; `undefined` parameters leaves the field out. */
function alpha(templateParameters: string | undefined, templateID = TEMPLATE, extraAnnotations: Record<string, string> = {}): Json {
  return {
    apiVersion: V1ALPHA1,
    kind: "VirtualMachine",
    metadata: metadata(extraAnnotations),
    spec: { templateID, ...(templateParameters === undefined ? {} : { templateParameters }) },
    status: STATUS,
  };
}

function beta(fields: Json, templateID = TEMPLATE, extraAnnotations: Record<string, string> = {}): Json {
  return { apiVersion: V1BETA1, kind: "VirtualMachine", metadata: metadata(extraAnnotations), spec: { templateID, ...fields }, status: STATUS };
}

/** The spec and annotations conversion produced, without the parts it must not touch. */
function parametersOf(object: Json): { spec: Json; raw: string | undefined; saved: string | undefined } {
  const { templateID: _t, ...spec } = object.spec;
  return { spec, raw: object.metadata.annotations?.[RAW], saved: object.metadata.annotations?.[SAVED] };
}

describe("convertObject: v1alpha1 → v1beta1 → v1alpha1 on realistic orders", () => {
  const cases: [string, string | undefined, Json, { keepsRaw: boolean; template?: string }][] = [
    [
      "fulfillment-service's canonical form (sorted keys, integers as strings)",
      '{"cpu_cores":"4","disk_size":"10Gi","exposed_ports":"22/tcp","image_source":"quay.io/containerdisks/fedora:latest","memory":"4Gi"}',
      { virtualMachine: { cpuCores: 4, diskSize: "10Gi", exposedPorts: [{ port: 22, protocol: "TCP" }], image: "quay.io/containerdisks/fedora:latest", memory: "4Gi" } },
      { keepsRaw: false },
    ],
    [
      "every parameter, canonical",
      `{"cloud_init_config":"${CLOUD_INIT}","cpu_cores":"8","disk_size":"50Gi","exposed_ports":"22/tcp,80/tcp,53/udp","image_source":"docker://quay.io/containerdisks/centos-stream:9","memory":"16Gi","ssh_public_key":"${KEY_A}\\n${KEY_B}","storage_class":"ocs-storagecluster-ceph-rbd"}`,
      {
        virtualMachine: {
          cloudInitUserData: CLOUD_INIT,
          cpuCores: 8,
          diskSize: "50Gi",
          exposedPorts: [
            { port: 22, protocol: "TCP" },
            { port: 80, protocol: "TCP" },
            { port: 53, protocol: "UDP" },
          ],
          image: "docker://quay.io/containerdisks/centos-stream:9",
          memory: "16Gi",
          sshPublicKeys: [KEY_A, KEY_B],
          storageClass: "ocs-storagecluster-ceph-rbd",
        },
      },
      { keepsRaw: false },
    ],
    ["integers as JSON numbers", '{"cpu_cores":4,"memory":"4Gi"}', { virtualMachine: { cpuCores: 4, memory: "4Gi" } }, { keepsRaw: true }],
    ["an integer with leading zeros", '{"cpu_cores":"004"}', { virtualMachine: { cpuCores: 4 } }, { keepsRaw: true }],
    ["defaults only, {}", "{}", { virtualMachine: {} }, { keepsRaw: false }],
    ["defaults only, the empty string", "", { virtualMachine: {} }, { keepsRaw: true }],
    ["keys not sorted", '{"memory":"4Gi","cpu_cores":"2"}', { virtualMachine: { cpuCores: 2, memory: "4Gi" } }, { keepsRaw: true }],
    ["whitespace between tokens", '{ "memory" : "4Gi" }\n', { virtualMachine: { memory: "4Gi" } }, { keepsRaw: true }],
    ["a duplicate key (JSON.parse and Go keep the last)", '{"cpu_cores":"2","cpu_cores":"6"}', { virtualMachine: { cpuCores: 6 } }, { keepsRaw: true }],
    ["unicode written as is", '{"storage_class":"größe-ß","image_source":"quay.io/ü/😀:1"}', { virtualMachine: { storageClass: "größe-ß", image: "quay.io/ü/😀:1" } }, { keepsRaw: true }],
    ["unicode written as is, sorted", '{"image_source":"quay.io/ü/😀:1","storage_class":"größe-ß"}', { virtualMachine: { storageClass: "größe-ß", image: "quay.io/ü/😀:1" } }, { keepsRaw: false }],
    ["Go's \\u003c escapes of < > &", '{"memory":"a\\u003cb\\u003ec\\u0026d"}', { virtualMachine: { memory: "a<b>c&d" } }, { keepsRaw: false }],
    ["< > & written literally (JavaScript's JSON.stringify)", '{"memory":"a<b>c&d"}', { virtualMachine: { memory: "a<b>c&d" } }, { keepsRaw: true }],
    ["a \\u-escaped ASCII letter", '{"memory":"\\u0034Gi"}', { virtualMachine: { memory: "4Gi" } }, { keepsRaw: true }],
    ["one SSH key", `{"ssh_public_key":"${KEY_A}"}`, { virtualMachine: { sshPublicKeys: [KEY_A] } }, { keepsRaw: false }],
    ["SSH keys separated by a comma", `{"ssh_public_key":"${KEY_A},${KEY_B}"}`, { virtualMachine: { sshPublicKeys: [KEY_A, KEY_B] } }, { keepsRaw: true }],
    ["SSH keys with a trailing CRLF", `{"ssh_public_key":"${KEY_A}\\r\\n"}`, { virtualMachine: { sshPublicKeys: [KEY_A] } }, { keepsRaw: true }],
    ["an empty SSH key", '{"ssh_public_key":""}', { virtualMachine: { sshPublicKeys: [] } }, { keepsRaw: false }],
    ["ports with spaces", '{"exposed_ports":"53/udp, 53/tcp"}', { virtualMachine: { exposedPorts: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] } }, { keepsRaw: true }],
    ["ports with an uppercase protocol (invalid in v1alpha1)", '{"exposed_ports":"22/TCP"}', { virtualMachine: {} }, { keepsRaw: true }],
    ["a port out of range (typed: ranges are the admission webhook's)", '{"exposed_ports":"70000/tcp"}', { virtualMachine: { exposedPorts: [{ port: 70000, protocol: "TCP" }] } }, { keepsRaw: false }],
    ["cpu_cores out of range", '{"cpu_cores":"500"}', { virtualMachine: { cpuCores: 500 } }, { keepsRaw: false }],
    ["cpu_cores not a number", '{"cpu_cores":"four","memory":"4Gi"}', { virtualMachine: { memory: "4Gi" } }, { keepsRaw: true }],
    ["cpu_cores a fraction", '{"cpu_cores":1.5}', { virtualMachine: {} }, { keepsRaw: true }],
    ["a parameter of the wrong type", '{"memory":4096}', { virtualMachine: {} }, { keepsRaw: true }],
    ["a null parameter (absent)", '{"ssh_public_key":null,"memory":"4Gi"}', { virtualMachine: { memory: "4Gi" } }, { keepsRaw: true }],
    ["an unknown parameter", '{"cpu_cores":"2","flavor":"m1.large"}', { virtualMachine: { cpuCores: 2 }, templateParameters: { flavor: "m1.large" } }, { keepsRaw: false }],
    ["text that is not JSON", "cpu_cores=4", {}, { keepsRaw: true }],
    ["truncated JSON", '{"cpu_cores":"4"', {}, { keepsRaw: true }],
    ["a JSON array", '["cpu_cores","4"]', {}, { keepsRaw: true }],
    ["JSON null", "null", {}, { keepsRaw: true }],
    ["a string map of another template", '{"replicas":"3","version":"16"}', { templateParameters: { replicas: "3", version: "16" } }, { keepsRaw: false, template: OTHER_TEMPLATE }],
    [
      "another template with non-string values",
      '{"replicas":3,"tls":true,"version":"16"}',
      { templateParameters: { version: "16" } },
      { keepsRaw: true, template: OTHER_TEMPLATE },
    ],
    ["another template given ocp_virt_vm names", '{"cpu_cores":"4"}', { templateParameters: { cpu_cores: "4" } }, { keepsRaw: false, template: OTHER_TEMPLATE }],
    ["another template, empty", "{}", { templateParameters: {} }, { keepsRaw: false, template: OTHER_TEMPLATE }],
    ["a parameter named __proto__", '{"__proto__":"x"}', { templateParameters: JSON.parse('{"__proto__":"x"}') }, { keepsRaw: false, template: OTHER_TEMPLATE }],
  ];

  it.each(cases)("GIVEN %s WHEN converted to v1beta1 THEN the typed fields are exactly these", (_case, text, expected, { keepsRaw, template }) => {
    const converted = convertObject(alpha(text, template), V1BETA1) as Json;
    const { spec, raw, saved } = parametersOf(converted);
    expect(spec).toStrictEqual(expected);
    expect(raw).toBe(keepsRaw ? text : undefined);
    expect(saved).toBeUndefined();
  });

  it.each(cases)("GIVEN %s WHEN converted to v1beta1 and back THEN the object and its string are unchanged", (_case, text, _expected, { template }) => {
    const original = alpha(text, template);
    const back = convertObject(convertObject(original, V1BETA1), V1ALPHA1) as Json;
    expect(back.spec.templateParameters).toBe(text);
    expect(back).toStrictEqual(original);
  });

  it("GIVEN an order without templateParameters WHEN converted to v1beta1 THEN no parameter field and no annotation is added", () => {
    const converted = convertObject(alpha(undefined), V1BETA1) as Json;
    expect(converted.spec).toStrictEqual({ templateID: TEMPLATE });
    expect(converted.metadata).toStrictEqual(metadata());
    expect(convertObject(converted, V1ALPHA1)).toStrictEqual(alpha(undefined));
  });

  it("GIVEN the API server's metadata and status WHEN converted both ways THEN only the round-trip annotation differs", () => {
    const original = alpha('{"cpu_cores":4}');
    const converted = convertObject(original, V1BETA1) as Json;
    expect(converted.kind).toBe("VirtualMachine");
    expect(converted.status).toStrictEqual(STATUS);
    const { annotations, ...rest } = converted.metadata;
    const { annotations: originalAnnotations, ...originalRest } = metadata();
    expect(rest).toStrictEqual(originalRest);
    expect(annotations).toStrictEqual({ ...originalAnnotations, [RAW]: '{"cpu_cores":4}' });
    expect(convertObject(converted, V1ALPHA1)).toStrictEqual(original);
  });

  it("GIVEN a frozen input WHEN converted THEN it is not changed", () => {
    const original = deepFreeze(alpha('{"memory":"4Gi","cpu_cores":2}'));
    const snapshot = structuredClone(original);
    convertObject(convertObject(original, V1BETA1), V1ALPHA1);
    expect(original).toStrictEqual(snapshot);
  });
});

describe("convertObject: v1beta1 → v1alpha1", () => {
  const cases: [string, Json, string | undefined, { template?: string }][] = [
    [
      "every typed field",
      {
        virtualMachine: {
          cpuCores: 8,
          memory: "16Gi",
          diskSize: "50Gi",
          image: "quay.io/containerdisks/centos-stream:9",
          cloudInitUserData: CLOUD_INIT,
          sshPublicKeys: [KEY_A, KEY_B],
          exposedPorts: [
            { port: 443, protocol: "TCP" },
            { port: 53, protocol: "UDP" },
          ],
          storageClass: "fast",
        },
      },
      `{"cloud_init_config":"${CLOUD_INIT}","cpu_cores":"8","disk_size":"50Gi","exposed_ports":"443/tcp,53/udp","image_source":"quay.io/containerdisks/centos-stream:9","memory":"16Gi","ssh_public_key":"${KEY_A}\\n${KEY_B}","storage_class":"fast"}`,
      {},
    ],
    ["an empty virtualMachine block", { virtualMachine: {} }, "{}", {}],
    ["no parameter fields (a partial object)", {}, undefined, {}],
    ["an extra parameter beside the typed ones", { virtualMachine: { cpuCores: 2 }, templateParameters: { zone: "b" } }, '{"cpu_cores":"2","zone":"b"}', {}],
    ["another template's map", { templateParameters: { version: "16", replicas: "3" } }, '{"replicas":"3","version":"16"}', { template: OTHER_TEMPLATE }],
    ["Go's escaping", { virtualMachine: { memory: "a<b>&\u2028\u2029\u0008\u000c\u0001\"\\/é" } }, '{"memory":"a\\u003cb\\u003e\\u0026\\u2028\\u2029\\b\\f\\u0001\\"\\\\/é"}', {}],
    ["keys sorted by code point, as Go sorts UTF-8", { templateParameters: { "😀": "1", "\uffff": "2", b: "3", B: "4" } }, '{"B":"4","b":"3","\uffff":"2","😀":"1"}', { template: OTHER_TEMPLATE }],
  ];

  it.each(cases)("GIVEN %s WHEN converted to v1alpha1 THEN the string is canonical and no annotation is added", (_case, fields, text, { template }) => {
    const converted = convertObject(beta(fields, template), V1ALPHA1) as Json;
    expect(converted.spec).toStrictEqual({ templateID: template ?? TEMPLATE, ...(text === undefined ? {} : { templateParameters: text }) });
    expect(converted.metadata).toStrictEqual(metadata());
    expect(convertObject(converted, V1BETA1)).toStrictEqual(beta(fields, template));
  });

  const inexpressible: [string, Json, string | undefined, { template?: string }][] = [
    ["an SSH key holding a comma", { virtualMachine: { sshPublicKeys: [`${KEY_A} laptop, work`] } }, `{"ssh_public_key":"${KEY_A} laptop, work"}`, {}],
    ["an SSH key holding a newline", { virtualMachine: { sshPublicKeys: [`${KEY_A}\n${KEY_B}`] } }, `{"ssh_public_key":"${KEY_A}\\n${KEY_B}"}`, {}],
    ["an SSH key with surrounding spaces", { virtualMachine: { sshPublicKeys: [` ${KEY_A} `] } }, `{"ssh_public_key":" ${KEY_A} "}`, {}],
    ["an empty SSH key entry", { virtualMachine: { sshPublicKeys: [KEY_A, ""] } }, `{"ssh_public_key":"${KEY_A}\\n"}`, {}],
    ["a lowercase protocol", { virtualMachine: { exposedPorts: [{ port: 22, protocol: "tcp" }] } }, '{}', {}],
    ["a fractional cpuCores", { virtualMachine: { cpuCores: 1.5 } }, "{}", {}],
    ["a field v1beta1 does not have", { virtualMachine: { cpuCores: 2, gpus: 1 } }, '{"cpu_cores":"2"}', {}],
    ["a map entry shadowing a typed field", { virtualMachine: { memory: "2Gi" }, templateParameters: { memory: "8Gi" } }, '{"memory":"8Gi"}', {}],
    ["only a map for an ocp_virt_vm template", { templateParameters: { cpu_cores: "2" } }, '{"cpu_cores":"2"}', {}],
    ["a virtualMachine block for another template", { virtualMachine: { cpuCores: 2 } }, '{"cpu_cores":"2"}', { template: OTHER_TEMPLATE }],
    ["a null virtualMachine", { virtualMachine: null }, "{}", {}],
  ];

  it.each(inexpressible)(
    "GIVEN %s WHEN converted to v1alpha1 THEN the fields are saved in an annotation and come back unchanged",
    (_case, fields, text, { template }) => {
      const original = beta(fields, template);
      const converted = convertObject(original, V1ALPHA1) as Json;
      expect(converted.spec.templateParameters).toBe(text);
      expect(JSON.parse(converted.metadata.annotations[SAVED])).toStrictEqual(fields);
      expect(convertObject(converted, V1BETA1)).toStrictEqual(original);
    },
  );

  it("GIVEN a non-canonical order read as v1beta1 WHEN written back unchanged THEN the stored bytes are the original", () => {
    const text = '{ "memory": "4Gi", "cpu_cores": 4, "ssh_public_key": "' + KEY_A + ',' + KEY_B + '" }';
    const read = convertObject(alpha(text), V1BETA1) as Json;
    const written = convertObject(structuredClone(read), V1ALPHA1) as Json;
    expect(written.spec.templateParameters).toBe(text);
    expect(written.metadata.annotations).toStrictEqual(metadata().annotations);
  });

  it("GIVEN a non-canonical order read as v1beta1 WHEN a typed field is changed THEN the canonical string is stored and the original dropped", () => {
    const read = convertObject(alpha('{"memory":"4Gi","cpu_cores":4,"flavor":"x"}'), V1BETA1) as Json;
    read.spec.virtualMachine.cpuCores = 6;
    const written = convertObject(read, V1ALPHA1) as Json;
    expect(written.spec.templateParameters).toBe('{"cpu_cores":"6","flavor":"x","memory":"4Gi"}');
    expect(written.metadata.annotations).toStrictEqual(metadata().annotations);
  });

  it("GIVEN unparseable text read as v1beta1 WHEN a virtualMachine block is added THEN it replaces the text", () => {
    const read = convertObject(alpha("not json"), V1BETA1) as Json;
    expect(read.spec.virtualMachine).toBeUndefined();
    read.spec.virtualMachine = { cpuCores: 2 };
    expect((convertObject(read, V1ALPHA1) as Json).spec.templateParameters).toBe('{"cpu_cores":"2"}');
  });

  it("GIVEN saved v1beta1 fields WHEN a v1alpha1 client changes the string THEN the string wins and the saved fields are dropped", () => {
    const stored = convertObject(beta({ virtualMachine: { sshPublicKeys: ["a,b"] } }), V1ALPHA1) as Json;
    stored.spec.templateParameters = '{"cpu_cores":"2"}';
    const read = convertObject(stored, V1BETA1) as Json;
    expect(parametersOf(read)).toStrictEqual({ spec: { virtualMachine: { cpuCores: 2 } }, raw: undefined, saved: undefined });
    expect(read.metadata).toStrictEqual(metadata());
  });

  it("GIVEN saved v1beta1 fields that are not JSON WHEN converted to v1beta1 THEN the string is read instead", () => {
    const read = convertObject(alpha('{"cpu_cores":"2"}', TEMPLATE, { [SAVED]: "{oops" }), V1BETA1) as Json;
    expect(parametersOf(read)).toStrictEqual({ spec: { virtualMachine: { cpuCores: 2 } }, raw: undefined, saved: undefined });
  });

  it("GIVEN a partial object without metadata annotations WHEN a field must be saved THEN only the annotation is added, and removed again", () => {
    const partial = { apiVersion: V1BETA1, kind: "VirtualMachine", metadata: { name: "vm-1" }, spec: { virtualMachine: { sshPublicKeys: ["a,b"] } } };
    const converted = convertObject(partial, V1ALPHA1) as Json;
    expect(Object.keys(converted.metadata.annotations)).toStrictEqual([SAVED]);
    expect(convertObject(converted, V1BETA1)).toStrictEqual(partial);
  });

  it("GIVEN a partial object without spec WHEN converted both ways THEN no spec is added", () => {
    const partial = { apiVersion: V1BETA1, kind: "VirtualMachine", metadata: { name: "vm-1", namespace: "ns" } };
    const converted = convertObject(partial, V1ALPHA1);
    expect(converted).toStrictEqual({ ...partial, apiVersion: V1ALPHA1 });
    expect(convertObject(converted, V1BETA1)).toStrictEqual(partial);
  });

  it("GIVEN a v1beta1 object with only some typed fields WHEN converted THEN only those parameters are written (no defaults)", () => {
    const converted = convertObject(beta({ virtualMachine: { memory: "4Gi" } }), V1ALPHA1) as Json;
    expect(converted.spec.templateParameters).toBe('{"memory":"4Gi"}');
    const back = convertObject(converted, V1BETA1) as Json;
    expect(back.spec.virtualMachine).toStrictEqual({ memory: "4Gi" });
  });
});

describe("convertObject: input no API server sends", () => {
  it.each([
    ["not an object", "a string", V1BETA1, "NotAnObject"],
    ["an array", [], V1BETA1, "NotAnObject"],
    ["null", null, V1BETA1, "NotAnObject"],
    ["an unknown source version", { apiVersion: "cloudkit.openshift.io/v2", kind: "VirtualMachine" }, V1ALPHA1, "UnknownSourceVersion"],
    ["no apiVersion", { kind: "VirtualMachine" }, V1ALPHA1, "UnknownSourceVersion"],
    ["an unsupported desired version", alpha("{}"), "cloudkit.openshift.io/v1", "UnsupportedDesiredVersion"],
    ["templateParameters as a mapping in v1alpha1", { ...alpha(undefined), spec: { templateID: TEMPLATE, templateParameters: { cpu_cores: "2" } } }, V1BETA1, "InvalidField"],
    ["metadata that is not an object", { ...alpha("{}"), metadata: "x" }, V1BETA1, "InvalidField"],
    ["annotations that are not a map", { ...alpha("{}"), metadata: { name: "x", annotations: ["a"] } }, V1BETA1, "InvalidField"],
  ])("GIVEN %s WHEN converted THEN a ConversionError with its code is thrown", (_case, object, desired, code) => {
    let thrown: unknown;
    try {
      convertObject(object, desired);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConversionError);
    expect((thrown as ConversionError).code).toBe(code);
  });

  it("GIVEN an object already in the desired version WHEN converted THEN it is returned as it is", () => {
    const object = alpha("{}");
    expect(convertObject(object, V1ALPHA1)).toBe(object);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
