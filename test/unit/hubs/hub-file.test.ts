import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readHubFile } from "../../../src/hubs/hub-file.ts";
import { hubModel } from "../../../src/hubs/hub-model.ts";
import { formatHubTable } from "../../../src/hubs/hub-table.ts";

const EXAMPLE = join(import.meta.dirname, "../../../examples/hubs/hubs.yaml");
const hub = (name: string, extra = "") => `apiVersion: gitops.cloudkit.openshift.io/v1alpha1
kind: Hub
metadata: {name: ${name}}
spec:
  capabilities: [virtualmachines]
  kubeconfigSecretRef: {name: ${name}-kubeconfig}
${extra}`;

describe("readHubFile", () => {
  it("GIVEN the example registry THEN every hub is read, sorted by name", () => {
    const reading = readHubFile(readFileSync(EXAMPLE, "utf8"), "hubs.yaml");
    expect(reading.errors).toEqual([]);
    expect(reading.hubs.map((h) => h.metadata.name)).toEqual(["hub-clusters", "hub-eu-1", "hub-us-1"]);
  });

  it("GIVEN a HubList (kubectl get hubs -o yaml) and a List THEN their items are read", () => {
    const list = (kind: string, names: string[]) =>
      JSON.stringify({ apiVersion: kind === "List" ? "v1" : "gitops.cloudkit.openshift.io/v1alpha1", kind, items: names.map((name) => ({ apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "Hub", metadata: { name }, spec: { capabilities: [], kubeconfigSecretRef: { name } } })) });
    const reading = readHubFile(`${list("HubList", ["b", "a"])}\n---\n${list("List", ["c"])}`, "list.yaml");
    expect(reading.errors).toEqual([]);
    expect(reading.hubs.map((h) => h.metadata.name)).toEqual(["a", "b", "c"]);
  });

  it("GIVEN problems in several documents THEN all are listed with file, document and field, and no hub is returned", () => {
    const reading = readHubFile([hub("a", "  capacity: {vcpus: -4}"), hub("a"), hub("B"), "kind: ConfigMap"].join("\n---\n"), "bad.yaml");
    expect(reading.hubs).toEqual([]);
    expect(reading.errors).toEqual([
      "bad.yaml:1: spec.capacity.vcpus: must be a whole number ≥ 0 (got \"-4\")",
      "bad.yaml:2: metadata.name: hub 'a' is already defined at document 1",
      expect.stringMatching(/^bad\.yaml:3: metadata\.name: must be a DNS-1123 label.*\(got "B"\)$/),
      expect.stringMatching(/^bad\.yaml:3: spec\.kubeconfigSecretRef\.name: must be a DNS-1123 subdomain/),
      expect.stringMatching(/^bad\.yaml:4: apiVersion: /),
      expect.stringMatching(/^bad\.yaml:4: kind: /),
      expect.stringMatching(/^bad\.yaml:4: metadata: /),
      expect.stringMatching(/^bad\.yaml:4: spec: /),
    ]);
  });

  it("GIVEN text that is not YAML or holds no hub THEN it says so", () => {
    expect(readHubFile("a: [", "x.yaml").errors[0]).toMatch(/^x\.yaml:\d+:\d+: not valid YAML: /);
    expect(readHubFile("# nothing\n", "empty.yaml").errors).toEqual(["empty.yaml: holds no Hub (expected gitops.cloudkit.openshift.io/v1alpha1 Hub objects or a HubList)"]);
  });
});

describe("formatHubTable", () => {
  it("GIVEN hubs with and without status THEN kubectl-like columns, allocated/capacity, <none> and ages", () => {
    const reading = readHubFile(readFileSync(EXAMPLE, "utf8"), "hubs.yaml");
    const hubs = reading.hubs.map((h) =>
      h.metadata.name !== "hub-eu-1"
        ? h
        : {
            ...h,
            metadata: { ...h.metadata, creationTimestamp: "2026-01-01T00:00:00Z" },
            status: {
              lastProbeTime: "2026-01-03T11:59:48Z",
              allocated: { vms: 12, vcpus: 48, memory: "96Gi" },
              conditions: [{ type: "Reachable", status: "True" as const, reason: "Probed", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }],
            },
          },
    );
    const table = formatHubTable(hubs.map(hubModel), { nowMs: Date.parse("2026-01-03T12:00:00Z") });
    expect(table.split("\n")).toEqual([
      "NAME           TYPE      REACHABLE   REASON   CORDONED   VMS      VCPUS    MEMORY     LAST PROBE   AGE",
      "hub-clusters   cluster   Unknown     <none>   true       0/-      0/-      0/-        <none>       <unknown>",
      "hub-eu-1       vmaas     True        Probed   false      12/200   48/800   96Gi/3Ti   12s ago      2d",
      "hub-us-1       hybrid    Unknown     <none>   false      0/-      0/400    0/1536Gi   <none>       <unknown>",
      "",
    ]);
    expect(formatHubTable(hubs.map(hubModel), { nowMs: 0, wide: true }).split("\n")[2]).toMatch(/ virtualmachines +region=eu,topology\.kubernetes\.io\/zone=eu-1a +hub-eu-1 +ceph-rbd$/);
    expect(formatHubTable([], { nowMs: 0 })).toBe("No hubs found.\n");
  });
});
