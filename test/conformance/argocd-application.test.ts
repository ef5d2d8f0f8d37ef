// The Argo CD examples (examples/argocd/) against Argo CD's own CRD schemas (strict: unknown
// fields fail), and the ignoreDifferences pointers against the upstream KubeVirt VM schema, so a
// typo cannot silently ignore nothing.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { requireShared } from "./support/shared.ts";
import { compileCrd, describeErrors } from "./support/structural-schema.ts";

const ROOT = join(import.meta.dirname, "../..");
const EXAMPLES = join(ROOT, "examples/argocd");

type Doc = Record<string, any>;

function examples(): { file: string; doc: Doc }[] {
  return readdirSync(EXAMPLES)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) => (yaml.loadAll(readFileSync(join(EXAMPLES, file), "utf8")) as Doc[]).filter(Boolean).map((doc) => ({ file, doc })));
}

const schemas = {
  Application: () => compileCrd(requireShared("reference/crds/argoproj.io_applications.yaml"), "v1alpha1"),
  AppProject: () => compileCrd(requireShared("reference/crds/argoproj.io_appprojects.yaml"), "v1alpha1"),
} as const;

describe("examples/argocd against Argo CD's CRDs", () => {
  const docs = examples();
  const argoDocs = docs.filter((d) => d.doc.kind !== "ConfigMap");

  it("GIVEN the examples THEN there is an Application for rendered output, the health-check fragment of argocd-cm, and every other document is an Argo CD kind", () => {
    expect(docs.map((d) => `${d.file}:${d.doc.kind}`)).toEqual([
      "application.yaml:Application",
      "application.yaml:AppProject",
      "argocd-cm-health.yaml:ConfigMap",
      "chart-application.yaml:Application",
    ]);
    for (const { doc } of argoDocs) expect(doc.apiVersion).toBe("argoproj.io/v1alpha1");
    const fragment = docs.find((d) => d.doc.kind === "ConfigMap")!.doc;
    expect(fragment.metadata).toEqual({ name: "argocd-cm", namespace: "argocd" });
    expect(Object.keys(fragment.data).sort()).toEqual([
      "resource.customizations.health.cdi.kubevirt.io_DataVolume",
      "resource.customizations.health.cloudkit.openshift.io_VirtualMachine",
      "resource.customizations.health.kubevirt.io_VirtualMachine",
    ]);
  });

  it.each(argoDocs.map((d) => [`${d.file} ${d.doc.kind} ${d.doc.metadata?.name}`, d.doc] as const))("GIVEN %s THEN it validates against its CRD schema", (_name, doc) => {
    const validate = schemas[doc.kind as keyof typeof schemas]();
    const valid = validate(doc);
    expect(valid, describeErrors(validate)).toBe(true);
  });

  it("GIVEN the rendered-output Application THEN it uses Server-Side Diff, server-side apply, no namespace creation and recursion", () => {
    const app = docs.find((d) => d.file === "application.yaml" && d.doc.kind === "Application")!.doc;
    expect(app.metadata.annotations["argocd.argoproj.io/compare-options"]).toBe("ServerSideDiff=true");
    expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(["ServerSideApply=true", "CreateNamespace=false", "RespectIgnoreDifferences=true"]));
    expect(app.spec.source.directory.recurse).toBe(true);
    expect(app.spec.destination.namespace).toBeUndefined();
    expect(app.metadata.finalizers).toBeUndefined();
    const project = docs.find((d) => d.doc.kind === "AppProject")!.doc;
    expect(app.spec.project).toBe(project.metadata.name);
  });

  it("GIVEN ignoreDifferences THEN it names the fields KubeVirt's webhook sets, and each exists in the upstream VirtualMachine schema", () => {
    const app = docs.find((d) => d.file === "application.yaml" && d.doc.kind === "Application")!.doc;
    const vm = app.spec.ignoreDifferences.find((entry: Doc) => entry.group === "kubevirt.io" && entry.kind === "VirtualMachine");
    expect(vm.jsonPointers).toEqual([
      "/spec/template/spec/domain/firmware/serial",
      "/spec/template/spec/domain/machine/type",
      "/spec/template/spec/architecture",
      "/metadata/annotations/kubevirt.io~1pci-topology-version",
    ]);
    const crd = yaml.load(readFileSync(requireShared("reference/crds/kubevirt.io_virtualmachines.yaml"), "utf8")) as Doc;
    const root = crd.spec.versions.find((v: Doc) => v.name === "v1").schema.openAPIV3Schema;
    for (const pointer of vm.jsonPointers as string[]) {
      if (pointer.startsWith("/metadata/")) continue; // metadata is not part of a CRD schema
      let node = root;
      for (const segment of pointer.split("/").slice(1)) {
        node = node?.properties?.[segment];
        expect(node, `${pointer}: no schema for "${segment}" in kubevirt.io/v1 VirtualMachine`).toBeDefined();
      }
    }
  });
});
