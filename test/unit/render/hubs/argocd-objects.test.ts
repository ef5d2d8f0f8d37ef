import { describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applicationName, argoCdObjects, hubTenantPath, type ArgoCdSettings } from "../../../../src/render/hubs/argocd-objects.ts";

const SETTINGS: ArgoCdSettings = { repoURL: "https://git.example.com/osac/rendered.git", targetRevision: "main", path: "rendered", namespace: "argocd" };
const EXAMPLE = yaml.loadAll(readFileSync(join(import.meta.dirname, "../../../../examples/argocd/application.yaml"), "utf8")) as any[];

describe("argoCdObjects", () => {
  const files = argoCdObjects(
    [
      { hub: "hub-eu", clusterName: "eu-cluster", tenantNamespace: "tenant-a" },
      { hub: "hub-us", clusterName: "hub-us", tenantNamespace: "tenant-a" },
      { hub: "hub-us", clusterName: "hub-us", tenantNamespace: "tenant-b" },
    ],
    SETTINGS,
  );

  it("GIVEN three (hub, tenant) pairs THEN one Application each and one AppProject per tenant namespace, no ApplicationSet", () => {
    expect([...files.keys()].sort()).toEqual([
      "applications/hub-eu.tenant-a.yaml",
      "applications/hub-us.tenant-a.yaml",
      "applications/hub-us.tenant-b.yaml",
      "projects/osac-vm.tenant-a.yaml",
      "projects/osac-vm.tenant-b.yaml",
    ]);
    expect([...files.values()].map((object) => object.kind).sort()).toEqual(["AppProject", "AppProject", "Application", "Application", "Application"]);
  });

  it("GIVEN an Application THEN it deploys hubs/<hub>/<tenant> to the hub's Argo CD cluster by name, with the example's sync options and no resources finalizer", () => {
    const app = files.get("applications/hub-eu.tenant-a.yaml") as any;
    const example = EXAMPLE.find((document) => document.kind === "Application");
    expect(app.metadata).toMatchObject({ name: "hub-eu.tenant-a", namespace: "argocd", annotations: { "argocd.argoproj.io/compare-options": "ServerSideDiff=true" } });
    expect(app.metadata.finalizers).toBeUndefined();
    expect(app.spec.project).toBe("osac-vm.tenant-a");
    expect(app.spec.source).toEqual({ repoURL: SETTINGS.repoURL, targetRevision: "main", path: "rendered/hubs/hub-eu/tenant-a", directory: { recurse: false } });
    expect(app.spec.destination).toEqual({ name: "eu-cluster", namespace: "tenant-a" });
    expect(app.spec.syncPolicy).toEqual(example.spec.syncPolicy);
    expect(app.spec.ignoreDifferences).toEqual(example.spec.ignoreDifferences);
  });

  it("GIVEN a tenant on two hubs THEN its project allows only its namespace, on exactly those clusters, and only the renderer's kinds", () => {
    const project = files.get("projects/osac-vm.tenant-a.yaml") as any;
    expect(project.spec.destinations).toEqual([
      { name: "eu-cluster", namespace: "tenant-a" },
      { name: "hub-us", namespace: "tenant-a" },
    ]);
    expect(project.spec.sourceRepos).toEqual([SETTINGS.repoURL]);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: "", kind: "Namespace" }]);
    expect(project.spec.namespaceResourceWhitelist.map((entry: any) => entry.kind).sort()).toEqual(["DataVolume", "SealedSecret", "Secret", "Service", "VirtualMachine"]);
    expect((files.get("projects/osac-vm.tenant-b.yaml") as any).spec.destinations).toEqual([{ name: "hub-us", namespace: "tenant-b" }]);
  });

  it("GIVEN names and paths THEN a name splits back at its last dot (namespaces have none), and the repository root is no prefix", () => {
    expect(applicationName("hub.example.com", "tenant-a")).toBe("hub.example.com.tenant-a");
    expect(hubTenantPath({ path: "" }, "h", "t")).toBe("hubs/h/t");
    expect(hubTenantPath({ path: "./" }, "h", "t")).toBe("hubs/h/t");
    expect(hubTenantPath({ path: "/a/b/" }, "h", "t")).toBe("a/b/hubs/h/t");
  });
});
