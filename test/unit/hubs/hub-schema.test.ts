// The offline checks (hub-schema.ts) and the CRD (crds/gitops.cloudkit.openshift.io_hubs.yaml) must
// accept and refuse the same Hubs: the CRD's enums, required fields and patterns are read here and
// compared, and sample Hubs are checked by both the schema and ajv on the CRD's OpenAPI schema.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { HUB_CAPABILITIES, HUB_TYPES } from "../../../src/api/gitops/v1alpha1/hub.ts";
import { checkHub, MEMORY_QUANTITY } from "../../../src/hubs/hub-schema.ts";

const CRD = yaml.load(readFileSync(join(import.meta.dirname, "../../../crds/gitops.cloudkit.openshift.io_hubs.yaml"), "utf8")) as any;
const VERSION = CRD.spec.versions[0];
const SPEC = VERSION.schema.openAPIV3Schema.properties.spec;

function hub(spec: Record<string, unknown>, name = "hub-a") {
  return { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "Hub", metadata: { name }, spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: "hub-a-kubeconfig" }, ...spec } };
}

/** The CRD's structural schema with the Kubernetes extensions ajv does not know removed (CEL rules are checked in e2e on the API server). */
function ajvSchema(node: any): any {
  if (Array.isArray(node)) return node.map(ajvSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (!key.startsWith("x-kubernetes-")) out[key] = ajvSchema(value);
  return out;
}
const validateWithCrd = new Ajv({ strict: false, allErrors: true }).compile(ajvSchema(VERSION.schema.openAPIV3Schema));

describe("the Hub schema and the CRD agree", () => {
  it("GIVEN the CRD THEN its enums, required fields and memory pattern are the schema's", () => {
    expect(SPEC.properties.capabilities.items.enum).toEqual([...HUB_CAPABILITIES]);
    expect(SPEC.properties.hubType.enum).toEqual([...HUB_TYPES]);
    expect(SPEC.required).toEqual(["capabilities", "kubeconfigSecretRef"]);
    expect(SPEC.properties.kubeconfigSecretRef.required).toEqual(["name"]);
    expect(new RegExp(SPEC.properties.capacity.properties.memory.pattern).source).toBe(MEMORY_QUANTITY.source);
    expect(Object.keys(SPEC.properties).sort()).toEqual(
      ["argocdClusterName", "capabilities", "capacity", "cordoned", "defaultStorageClass", "hubType", "kubeconfigSecretRef", "labels", "namespace", "sealingCertificate"].sort(),
    );
    expect(VERSION.subresources).toEqual({ status: {} });
    expect(CRD.spec.scope).toBe("Cluster");
  });

  it.each([
    ["a full hub", hub({ hubType: "hybrid", namespace: "vmaas-system", labels: { region: "eu", "topology.kubernetes.io/zone": "eu-1a" }, capacity: { vms: 100, vcpus: 400, memory: "1.5Ti" }, cordoned: false, defaultStorageClass: "ceph-rbd", argocdClusterName: "hub-a" }), true],
    ["a minimal hub", hub({}), true],
    ["an unknown capability", hub({ capabilities: ["gpus"] }), false],
    ["an unknown hub type", hub({ hubType: "edge" }), false],
    ["a negative capacity", hub({ capacity: { vcpus: -1 } }), false],
    ["a memory that is not a quantity", hub({ capacity: { memory: "lots" } }), false],
    ["a label value that is not one", hub({ labels: { region: "-eu" } }), false],
    ["a Secret name with capitals", hub({ kubeconfigSecretRef: { name: "Hub-A" } }), false],
    ["a storage class with an underscore", hub({ defaultStorageClass: "ceph_rbd" }), false],
    ["a name with a dot", hub({}, "hub.a"), false],
    ["no Secret reference", { ...hub({}), spec: { capabilities: ["virtualmachines"] } }, false],
  ])("GIVEN %s THEN the schema and the CRD say %s", (_what, document, valid) => {
    expect(validateWithCrd(document)).toBe(valid);
    expect(checkHub(document).errors.length === 0).toBe(valid);
  });
});

describe("checkHub", () => {
  it("GIVEN several problems THEN each is reported with its field and value", () => {
    const { errors } = checkHub(hub({ capacity: { vcpus: 1.5, memory: "lots" }, labels: { "Bad Key": "x" }, colour: "blue" }));
    const lines = errors.map((error) => `${error.field}${error.value === undefined ? "" : ` (${error.value})`}: ${error.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        "spec.capacity.vcpus (1.5): must be a whole number ≥ 0",
        expect.stringMatching(/^spec\.capacity\.memory \(lots\): must be a quantity/),
        expect.stringMatching(/^spec\.labels\[Bad Key\] \(Bad Key\): must be a label key/),
        "spec: has unknown field(s) 'colour'",
      ]),
    );
  });
});
