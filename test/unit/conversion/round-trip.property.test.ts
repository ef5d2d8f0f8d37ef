import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConversionAnnotations, convertObject } from "../../../src/api/conversion/index.ts";
import { goJsonString } from "../../../src/domain/hashing/go-json.ts";
import { KNOWN_TEMPLATE_IDS } from "../../../src/domain/templates/index.ts";

/**
 * Conversion must be lossless both ways (Cluster API's bar: 10,000 fuzzed round trips each way).
 * v1alpha1 → v1beta1 → v1alpha1 must give back the stored string byte for byte (the legacy operator
 * hashes it); v1beta1 → v1alpha1 → v1beta1 must be the identity.
 */
const RUNS = 10_000;
/** 10,000 runs take seconds; on a loaded machine several times that. A hang guard, not a speed check. */
const HEAVY_TIMEOUT_MS = 120_000;
const V1ALPHA1 = "cloudkit.openshift.io/v1alpha1";
const V1BETA1 = "cloudkit.openshift.io/v1beta1";
const RESERVED: readonly string[] = Object.values(ConversionAnnotations);

type Json = Record<string, any>;

const unicode = fc.string({ unit: "binary", maxLength: 12 });
const tricky = fc.constantFrom("<", ">", "&", "\u2028", "\u2029", "\n", "\r\n", "\t", '"', "\\", "/", ",", " ", "é", "😀", "\uffff", "\u0000", "\u007f");
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: unicode },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 4 }), tricky), { maxLength: 5 }).map((parts) => parts.join("")) },
);
const sshKey = fc
  .tuple(fc.constantFrom("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"), fc.base64String({ minLength: 4, maxLength: 24 }), fc.option(fc.constantFrom("user@example", "ops laptop", "a,b"), { nil: undefined }))
  .map(([type, body, comment]) => [type, body, comment].filter((part) => part !== undefined).join(" "));

// ---------------------------------------------------------------------------------------------
// v1alpha1: parameter strings as written by fulfillment-service, by hand and by other clients

const integerish = fc.oneof(
  fc.integer({ min: 0, max: 256 }).map(String),
  fc.integer({ min: -5, max: 256 }),
  fc.nat(999).map((n) => `00${n}`),
  fc.constantFrom(1.5, "4.0", " 4 ", "+4", "four", "", "99999999999999999999", 1e21, -0),
);
const portsText = fc
  .array(fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 70_000 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom("022", "x", "") }), fc.oneof({ weight: 8, arbitrary: fc.constantFrom("tcp", "udp") }, { weight: 1, arbitrary: fc.constantFrom("TCP", "Udp", "sctp") })), { maxLength: 4 })
  .chain((entries) => fc.constantFrom(",", ", ", " ,").map((separator) => entries.map(([port, protocol]) => `${port}/${protocol}`).join(separator)));
const sshText = fc
  .array(sshKey, { maxLength: 3 })
  .chain((keys) => fc.tuple(fc.constantFrom(",", "\n", ", ", "\r\n", ",\n"), fc.constantFrom("", "\n", ",")).map(([separator, tail]) => keys.join(separator) + tail));

const parameterValue: Record<string, fc.Arbitrary<unknown>> = {
  cpu_cores: integerish,
  memory: fc.oneof(fc.constantFrom("2Gi", "4096Mi", " 8Gi ", "-1Gi", "1.5G"), text, fc.integer()),
  disk_size: fc.oneof(fc.constantFrom("10Gi", "50Gi", "0"), text),
  image_source: fc.oneof(fc.constantFrom("quay.io/containerdisks/fedora:41", "docker://quay.io/containerdisks/centos-stream:9", "fedora"), text),
  cloud_init_config: fc.oneof(fc.base64String({ maxLength: 40 }), text),
  ssh_public_key: fc.oneof({ weight: 4, arbitrary: sshText }, { weight: 1, arbitrary: text }),
  exposed_ports: fc.oneof({ weight: 4, arbitrary: portsText }, { weight: 1, arbitrary: text }),
  storage_class: fc.oneof(fc.constantFrom("fast-ssd", "ocs-storagecluster-ceph-rbd", ""), text),
};
const anyValue = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }));
const knownEntry = fc.constantFrom(...Object.keys(parameterValue)).chain((name) =>
  fc.tuple(fc.constant(name), fc.oneof({ weight: 6, arbitrary: parameterValue[name]! }, { weight: 1, arbitrary: anyValue })),
);
const otherEntry = fc.tuple(fc.oneof(fc.constantFrom("flavor", "replicas", "__proto__", "cpu_cores", "zone"), unicode), fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: anyValue }));
const entries = fc.array(fc.oneof({ weight: 3, arbitrary: knownEntry }, { weight: 1, arbitrary: otherEntry }), { maxLength: 9 });

/** A JSON string encoder choosing, per string, among the escapings real clients use. */
const stringEncoder = fc.constantFrom<(value: string) => string>(
  (value) => JSON.stringify(value),
  goJsonString,
  (value) => JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
);
const whitespace = fc.constantFrom("", "", "", " ", "\n", "\t", "\r\n  ");

/** Serialises entries in the order given (duplicates kept), with chosen whitespace and escaping. */
const jsonText = fc.tuple(entries, stringEncoder, fc.array(whitespace, { minLength: 40, maxLength: 40 }), fc.boolean()).map(([list, encode, spaces, sort]) => {
  const ordered = sort ? [...list].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : list;
  const value = (v: unknown): string => (typeof v === "string" ? encode(v) : Array.isArray(v) || (typeof v === "object" && v !== null) ? JSON.stringify(v) : JSON.stringify(v) ?? "null");
  let spaceIndex = 0;
  const ws = () => spaces[spaceIndex++ % spaces.length] ?? "";
  const members = ordered.map(([k, v]) => `${ws()}${encode(k)}${ws()}:${ws()}${value(v)}${ws()}`);
  return `${ws()}{${members.join(",")}}${ws()}`;
});

/** fulfillment-service's form: Go's json.Marshal of a map of strings (sorted, integers as strings). */
const goMarshalled = fc
  .dictionary(
    fc.constantFrom(...Object.keys(parameterValue)),
    fc.oneof(
      fc.integer({ min: 1, max: 128 }).map(String),
      fc.constantFrom("4Gi", "quay.io/containerdisks/fedora:41", "22/tcp,80/tcp", "53/udp"),
      sshKey,
      sshText,
      text,
    ),
    { maxKeys: 8 },
  )
  .map((map) => {
    const keys = Object.keys(map).sort();
    return `{${keys.map((key) => `${goJsonString(key)}:${goJsonString(map[key] ?? "")}`).join(",")}}`;
  });

const parameterText = fc.oneof(
  { weight: 6, arbitrary: goMarshalled },
  { weight: 10, arbitrary: jsonText },
  { weight: 1, arbitrary: fc.constantFrom("", "{}", "null", "[]", '"x"', "42", "{", "not json", '{"cpu_cores":"4"}}') },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: jsonText.chain((full) => fc.nat(full.length).map((cut) => full.slice(0, cut))) },
);

const templateID = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KNOWN_TEMPLATE_IDS) }, { weight: 1, arbitrary: fc.constantFrom("acme.templates.postgres_cluster", "cloudkit.templates.ocp_virt_vm_v2") });
const annotationMap = fc.dictionary(
  fc.oneof(fc.constantFrom("cloudkit.openshift.io/tenant", "cloudkit.openshift.io/managed-by", "kubectl.kubernetes.io/last-applied-configuration"), fc.string({ minLength: 1, maxLength: 8 })).filter((key) => !RESERVED.includes(key)),
  text,
  { minKeys: 1, maxKeys: 3 },
);
const metadata = fc.record(
  {
    name: fc.constantFrom("vm-x7k2q", "web-frontend"),
    namespace: fc.constant("cloudkit-vm-orders"),
    uid: fc.uuid(),
    resourceVersion: fc.nat().map(String),
    generation: fc.nat(),
    labels: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { minKeys: 1, maxKeys: 2 }),
    annotations: annotationMap,
    finalizers: fc.constant(["cloudkit.openshift.io/virtualmachine"]),
  },
  { requiredKeys: ["name", "namespace", "uid"] },
);
const status = fc.option(fc.record({ phase: fc.constantFrom("Progressing", "Ready"), desiredConfigVersion: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => n.toString(16).padStart(16, "0")) }), { nil: undefined });

const v1alpha1Order = fc.tuple(metadata, templateID, fc.option(parameterText, { nil: undefined, freq: 8 }), status).map(([meta, id, parameters, observed]) => ({
  apiVersion: V1ALPHA1,
  kind: "VirtualMachine",
  metadata: meta,
  spec: { templateID: id, ...(parameters === undefined ? {} : { templateParameters: parameters }) },
  ...(observed === undefined ? {} : { status: observed }),
}));

// ---------------------------------------------------------------------------------------------
// v1beta1: typed objects, well-formed and odd

const wrongType = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]));
const odd = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary }, { weight: 1, arbitrary: wrongType });
const loneSurrogate = fc.constantFrom("\ud800", "x\udfff", "\udbff!");
const sshKeys = fc.array(fc.oneof({ weight: 6, arbitrary: sshKey }, { weight: 1, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom("a,b", "a\nb", " a", "b ", "", "\r") }), { maxLength: 3 });
const exposedPort = fc.record({
  port: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 65_535 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 70_000) }),
  protocol: fc.oneof({ weight: 6, arbitrary: fc.constantFrom("TCP", "UDP") }, { weight: 1, arbitrary: fc.constantFrom("tcp", "SCTP") }),
});
const virtualMachine = fc.record(
  {
    cpuCores: odd(fc.oneof(fc.integer({ min: 1, max: 128 }), fc.integer({ min: -3, max: 100_000 }), fc.constant(2.5))),
    memory: odd(fc.oneof(fc.constantFrom("2Gi", "4Gi", "16Gi"), text, loneSurrogate)),
    diskSize: odd(fc.oneof(fc.constantFrom("10Gi", "50Gi"), text)),
    image: odd(fc.oneof(fc.constantFrom("quay.io/containerdisks/fedora:41", "docker://quay.io/x:1"), text)),
    cloudInitUserData: odd(fc.base64String({ maxLength: 40 })),
    sshPublicKeys: odd(sshKeys),
    exposedPorts: odd(fc.array(exposedPort, { maxLength: 3 })),
    storageClass: odd(fc.oneof(fc.constantFrom("fast-ssd"), text)),
    gpus: fc.integer({ min: 0, max: 2 }),
  },
  { requiredKeys: [] },
).map((block) => {
  // An unknown field is rare in practice: keep it in about one object in eight.
  const { gpus, ...rest } = block;
  return gpus === 2 ? block : rest;
});
const stringMap = fc.dictionary(fc.oneof(fc.constantFrom("flavor", "zone", "memory", "cpu_cores", "__proto__"), unicode, loneSurrogate), fc.oneof(text, loneSurrogate), { maxKeys: 4 });
const oddFields = fc.record(
  {
    virtualMachine: fc.oneof({ weight: 12, arbitrary: virtualMachine }, { weight: 1, arbitrary: wrongType }),
    templateParameters: fc.oneof({ weight: 12, arbitrary: stringMap }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }) }),
  },
  { requiredKeys: [] },
);

/** What a v1beta1 client normally writes: well-typed fields of the template's family. */
const cleanText = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 12 }));
const cleanVirtualMachine = fc.record(
  {
    cpuCores: fc.oneof(fc.integer({ min: 1, max: 128 }), fc.nat(1_000_000)),
    memory: fc.oneof(fc.constantFrom("2Gi", "4Gi", "16Gi"), cleanText),
    diskSize: fc.oneof(fc.constantFrom("10Gi", "50Gi"), cleanText),
    image: fc.oneof(fc.constantFrom("quay.io/containerdisks/fedora:41", "docker://quay.io/x:1"), cleanText),
    cloudInitUserData: fc.base64String({ maxLength: 40 }),
    sshPublicKeys: fc.array(sshKey.filter((key) => !key.includes(",")), { maxLength: 3 }),
    exposedPorts: fc.array(fc.record({ port: fc.integer({ min: 1, max: 65_535 }), protocol: fc.constantFrom("TCP", "UDP") }), { maxLength: 3 }),
    storageClass: fc.oneof(fc.constantFrom("fast-ssd"), cleanText),
  },
  { requiredKeys: [] },
);
const extraParameters = fc.dictionary(fc.oneof(fc.constantFrom("flavor", "zone", "__proto__"), cleanText).filter((key) => !["cpu_cores", "memory", "disk_size", "image_source", "cloud_init_config", "ssh_public_key", "exposed_ports", "storage_class"].includes(key)), cleanText, { minKeys: 1, maxKeys: 3 });
const cleanFields = (id: string | undefined) =>
  id !== undefined && KNOWN_TEMPLATE_IDS.includes(id)
    ? fc.record({ virtualMachine: cleanVirtualMachine, templateParameters: extraParameters }, { requiredKeys: ["virtualMachine"] })
    : fc.record({ templateParameters: fc.dictionary(cleanText, cleanText, { maxKeys: 4 }) });
const v1beta1Fields = (id: string | undefined) =>
  fc.oneof({ weight: 4, arbitrary: cleanFields(id) }, { weight: 1, arbitrary: fc.constant({}) }, { weight: 4, arbitrary: oddFields });

const v1beta1Order = fc
  .tuple(metadata, fc.option(templateID, { nil: undefined, freq: 10 }), status)
  .chain(([meta, id, observed]) => v1beta1Fields(id).map((fields) => ({
    apiVersion: V1BETA1,
    kind: "VirtualMachine",
    metadata: meta,
    spec: { ...(id === undefined ? {} : { templateID: id }), ...fields },
    ...(observed === undefined ? {} : { status: observed }),
  })));

/** What the API server sends: objects travel as JSON. */
function overTheWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe("conversion round trips (property-based)", () => {
  it(`GIVEN ${RUNS} generated v1alpha1 orders WHEN converted to v1beta1 and back THEN templateParameters is byte-exact and the object deep-equal`, () => {
    fc.assert(
      fc.property(v1alpha1Order, (order) => {
        const stored = overTheWire(order);
        const read = overTheWire(convertObject(stored, V1BETA1));
        const back = overTheWire(convertObject(read, V1ALPHA1)) as Json;
        expect(back.spec.templateParameters).toBe(stored.spec.templateParameters);
        expect(back).toStrictEqual(stored);
      }),
      { numRuns: RUNS },
    );
  }, HEAVY_TIMEOUT_MS);

  it(`GIVEN ${RUNS} generated v1beta1 objects, odd values and absent fields included, WHEN converted to v1alpha1 and back THEN they are unchanged`, () => {
    fc.assert(
      fc.property(v1beta1Order, (object) => {
        const sent = overTheWire(object);
        const stored = overTheWire(convertObject(sent, V1ALPHA1));
        expect(overTheWire(convertObject(stored, V1BETA1))).toStrictEqual(sent);
      }),
      { numRuns: RUNS },
    );
  }, HEAVY_TIMEOUT_MS);

  it("GIVEN generated v1alpha1 orders read as v1beta1 WHEN written back through v1beta1 unchanged THEN etcd keeps the original bytes and no conversion annotation", () => {
    fc.assert(
      fc.property(v1alpha1Order, (order) => {
        const stored = overTheWire(order);
        const rewritten = overTheWire(convertObject(overTheWire(convertObject(stored, V1BETA1)), V1ALPHA1)) as Json;
        const annotations: Json = rewritten.metadata.annotations ?? {};
        expect(RESERVED.filter((key) => key in annotations)).toStrictEqual([]);
        expect(rewritten.spec.templateParameters).toBe(stored.spec.templateParameters);
      }),
      { numRuns: 2_000 },
    );
  });

  it("GIVEN generated v1beta1 objects WHEN converted to v1alpha1 THEN the string is canonical: sorted keys, string values, Go escaping", () => {
    fc.assert(
      fc.property(v1beta1Order, (object) => {
        const spec: Json = object.spec;
        const text = (convertObject(overTheWire(object), V1ALPHA1) as Json).spec.templateParameters as string | undefined;
        if (text === undefined) {
          expect([spec.virtualMachine, spec.templateParameters]).toStrictEqual([undefined, undefined]);
          return;
        }
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const keys = Object.keys(parsed);
        expect(Object.values(parsed).every((value) => typeof value === "string")).toBe(true);
        const rewritten = `{${keys
          .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
          .map((key) => `${goJsonString(key)}:${goJsonString(parsed[key] as string)}`)
          .join(",")}}`;
        expect(text).toBe(rewritten);
      }),
      { numRuns: 2_000 },
    );
  });
});
