// The Argo CD objects `render --hubs` generates against Argo CD's own CRD schemas (strict: unknown
// fields fail), as the hand-written examples are in argocd-application.test.ts.
import { describe, expect, it } from "vitest";
import { argoCdObjects } from "../../src/render/hubs/argocd-objects.ts";
import { requireShared } from "./support/shared.ts";
import { compileCrd, describeErrors } from "./support/structural-schema.ts";

const schemas = {
  Application: () => compileCrd(requireShared("reference/crds/argoproj.io_applications.yaml"), "v1alpha1"),
  AppProject: () => compileCrd(requireShared("reference/crds/argoproj.io_appprojects.yaml"), "v1alpha1"),
} as const;

describe("render --hubs Argo CD objects against Argo CD's CRDs", () => {
  const objects = argoCdObjects(
    [
      { hub: "hub-eu.example.com", clusterName: "eu", tenantNamespace: "tenant-a" },
      { hub: "hub-us", clusterName: "hub-us", tenantNamespace: "tenant-a" },
    ],
    { repoURL: "https://git.example.com/osac/rendered.git", targetRevision: "HEAD", path: "", namespace: "argocd" },
  );
  it.each([...objects].map(([path, object]) => [path, object] as const))("GIVEN %s THEN it validates against its CRD schema", (_path, object) => {
    const validate = schemas[object.kind as keyof typeof schemas]();
    expect(validate(object), describeErrors(validate)).toBe(true);
  });
});
