import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { renderTree } from "../../src/render/render-tree.ts";
import { PROFILES } from "../../src/render/profile.ts";
import { snapshotTree, temporaryDirectory } from "../support/cli.ts";
import { requireShared } from "./support/shared.ts";
import { compileCrd, describeErrors } from "./support/structural-schema.ts";
import { coreErrors } from "./support/core-rules.ts";

const ROOT = join(import.meta.dirname, "../..");
const INPUTS = [join(ROOT, "examples/orders"), join(ROOT, "test/fixtures/orders")];

type KubeObject = Record<string, any>;

async function renderAll(profile: (typeof PROFILES)[number]): Promise<KubeObject[]> {
  const out = temporaryDirectory();
  const result = await renderTree({ inputs: INPUTS, outDir: out, check: false, options: { profile, allowPlainSecrets: true } });
  if (result.errors.length > 0) throw new Error(result.errors.join("\n"));
  const objects: KubeObject[] = [];
  for (const [path, file] of snapshotTree(out)) {
    if (path.endsWith(".yaml")) objects.push(...(yaml.loadAll(file.content) as KubeObject[]));
  }
  return objects;
}

const upstreamSchemas = {
  "kubevirt.io/v1/VirtualMachine": () => compileCrd(requireShared("reference/crds/kubevirt.io_virtualmachines.yaml"), "v1"),
  "cdi.kubevirt.io/v1beta1/DataVolume": () => compileCrd(requireShared("reference/crds/cdi.kubevirt.io_datavolumes.yaml"), "v1beta1"),
};
const projectSchemas = {
  "kubevirt.io/v1/VirtualMachine": () => compileCrd(join(ROOT, "crds/upstream-subset/kubevirt.io_virtualmachines.yaml"), "v1"),
  "cdi.kubevirt.io/v1beta1/DataVolume": () => compileCrd(join(ROOT, "crds/upstream-subset/cdi.kubevirt.io_datavolumes.yaml"), "v1beta1"),
};
const CORE_KINDS = new Set(["v1/Secret", "v1/Service", "v1/Namespace"]);

describe.each(PROFILES)("objects rendered from examples/ and test fixtures, profile %s", (profile) => {
  let objects: KubeObject[] = [];
  beforeAll(async () => {
    objects = await renderAll(profile);
  });

  it("THEN there is every kind the role creates", () => {
    const kinds = new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`));
    for (const kind of ["v1/Secret", "cdi.kubevirt.io/v1beta1/DataVolume", "kubevirt.io/v1/VirtualMachine", "v1/Service"]) expect(kinds).toContain(kind);
    expect(kinds.has("v1/Namespace")).toBe(profile === "gitops");
  });

  it.each(Object.keys(upstreamSchemas))("THEN every %s validates strictly against the full upstream CRD schema", (gvk) => {
    const validate = upstreamSchemas[gvk as keyof typeof upstreamSchemas]();
    const subjects = objects.filter((o) => `${o.apiVersion}/${o.kind}` === gvk);
    expect(subjects.length).toBeGreaterThan(0);
    for (const object of subjects) {
      expect(validate(object), `${object.metadata.name}: ${describeErrors(validate)}`).toBe(true);
    }
  });

  it.each(Object.keys(projectSchemas))("THEN every %s validates strictly against the project's own schema file", (gvk) => {
    const validate = projectSchemas[gvk as keyof typeof projectSchemas]();
    for (const object of objects.filter((o) => `${o.apiVersion}/${o.kind}` === gvk)) {
      expect(validate(object), `${object.metadata.name}: ${describeErrors(validate)}`).toBe(true);
    }
  });

  it("THEN every object follows the Kubernetes core rules (names, labels, annotations, Secret, Service, Namespace)", () => {
    for (const object of objects) {
      expect(coreErrors(object), `${object.kind}/${object.metadata.name}`).toEqual([]);
    }
    expect(objects.filter((o) => CORE_KINDS.has(`${o.apiVersion}/${o.kind}`)).length).toBeGreaterThan(0);
  });
});

describe("the conformance checks themselves", () => {
  it("GIVEN a VM with a field KubeVirt does not know THEN the upstream schema rejects it", () => {
    const validate = upstreamSchemas["kubevirt.io/v1/VirtualMachine"]();
    const vm = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "x" }, spec: { template: { spec: { domain: { devices: {}, bogus: 1 } } } } };
    expect(validate(vm)).toBe(false);
    expect(describeErrors(validate)).toContain("bogus");
  });

  it("GIVEN a Service port name longer than 15 characters and a bad label THEN the core rules reject them", () => {
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "svc", namespace: "ns", labels: { "bad key!": "x" } },
      spec: { type: "LoadBalancer", ports: [{ name: "tcp-123456789012345", port: 1, protocol: "TCP", targetPort: 1 }] },
    };
    expect(coreErrors(service)).toEqual(["label key bad key!: invalid name part", "Service port name tcp-123456789012345: not an IANA service name"]);
  });
});

describe("the order CRD", () => {
  const example = yaml.loadAll(readFileSync(join(ROOT, "examples/orders/orders.yaml"), "utf8")) as KubeObject[];

  it("THEN the examples validate against the upstream cloudkit CRD and the project's own", () => {
    const upstream = compileCrd(requireShared("reference/osac/cloudkit-operator-2026-01-06-pre-rename/crd/cloudkit.openshift.io_virtualmachines.yaml"), "v1alpha1");
    const ours = compileCrd(join(ROOT, "crds/cloudkit.openshift.io_virtualmachines.yaml"), "v1alpha1");
    for (const order of example) {
      expect(upstream(order), describeErrors(upstream)).toBe(true);
      expect(ours(order), describeErrors(ours)).toBe(true);
    }
  });

  it("THEN the upstream lifecycle example, status included, validates against the project's CRD", () => {
    const lifecycle = yaml.loadAll(readFileSync(requireShared("reference/osac/derived-examples/cloudkit-virtualmachine-lifecycle.yaml"), "utf8")) as KubeObject[];
    const order = lifecycle.find((o) => o.kind === "VirtualMachine")!;
    const ours = compileCrd(join(ROOT, "crds/cloudkit.openshift.io_virtualmachines.yaml"), "v1alpha1");
    const { generateName: _, ...metadata } = order.metadata;
    expect(ours({ ...order, metadata }), describeErrors(ours)).toBe(true);
  });

  it("THEN the project's CRD keeps every upstream spec and status field (plus ipAddresses), without the vm short name", () => {
    const read = (path: string) => (yaml.load(readFileSync(path, "utf8")) as KubeObject).spec;
    const upstream = read(requireShared("reference/osac/cloudkit-operator-2026-01-06-pre-rename/crd/cloudkit.openshift.io_virtualmachines.yaml"));
    const ours = read(join(ROOT, "crds/cloudkit.openshift.io_virtualmachines.yaml"));
    const fields = (spec: KubeObject, part: string) => Object.keys(spec.versions[0].schema.openAPIV3Schema.properties[part].properties).sort();
    expect(fields(ours, "spec")).toEqual(fields(upstream, "spec"));
    // Every upstream status field, plus the one this project adds (docs/adr/0008-status-store.md).
    expect(fields(ours, "status")).toEqual([...fields(upstream, "status"), "ipAddresses"].sort());
    expect(ours.names.shortNames ?? []).not.toContain("vm");
    expect(ours.versions[0].subresources).toEqual({ status: {} });
  });
});
