// The render mode's plan, without a database: which `_vdc.yaml` files the tree should hold.
import { describe, expect, it } from "vitest";
import { isLayoutPath } from "../../../src/render/tree/layout.ts";
import { isVdcFilePath, vdcFilePath } from "../../../src/ssvirt/render/layout.ts";
import { namespaceFacts } from "../../../src/ssvirt/render/tree-facts.ts";
import { planVdcTree } from "../../../src/ssvirt/render/vdc-tree-plan.ts";
import { view } from "./support.ts";

const noFacts = () => ({ loadBalancers: [], vms: [] });

describe("The render mode's plan", () => {
  it("GIVEN the two writers' layouts THEN each owns paths the other never claims", () => {
    expect(isVdcFilePath("vdc-a/_vdc.yaml")).toBe(true);
    expect(isLayoutPath("vdc-a/_vdc.yaml")).toBe(false);
    expect(isVdcFilePath("vdc-a/_namespace.yaml")).toBe(false);
    expect(isVdcFilePath("vdc-a/vm-1.yaml")).toBe(false);
    expect(vdcFilePath("vdc-a")).toBe("vdc-a/_vdc.yaml");
  });

  it("GIVEN rows and the tree THEN kept VDCs are planned, a deleted one stays while VMs hold it, and files no row names are kept as they are", () => {
    const plan = planVdcTree({
      views: [
        view({ id: "urn:vcloud:vdc:a", namespace: "vdc-a" }),
        view({ id: "urn:vcloud:vdc:b", namespace: "vdc-b", deletedAt: new Date() }),
        view({ id: "urn:vcloud:vdc:c", namespace: "vdc-c", deletedAt: new Date() }),
        view({ id: "urn:vcloud:vdc:d", namespace: "vdc-d", deletedAt: new Date() }),
      ],
      facts: (namespace) => (namespace === "vdc-b" ? { loadBalancers: [], vms: ["in-git"] } : noFacts()),
      vmRows: new Map([["vdc-c", ["in-ssvirt"]]]),
      existing: ["vdc-b", "vdc-c", "vdc-d", "vdc-gone"].map((namespace) => ({ namespace, inputDigest: `digest-${namespace}`, description: `was ${namespace}`, objects: () => [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }] })),
    });
    expect(plan.files.map((file) => [file.path, file.source.kind])).toEqual([
      ["vdc-a/_vdc.yaml", "vdc"],
      ["vdc-b/_vdc.yaml", "vdc"],
      ["vdc-c/_vdc.yaml", "vdc"],
      ["vdc-gone/_vdc.yaml", "kept"],
    ]);
    expect(plan.retained.map((entry) => [entry.namespace, entry.vms])).toEqual([
      ["vdc-b", ["in-git"]],
      ["vdc-c", ["in-ssvirt"]],
    ]);
    expect(plan.orphaned).toEqual(["vdc-gone"]);
    const kept = plan.files.find((file) => file.path === "vdc-gone/_vdc.yaml")!;
    expect([kept.inputDigest, kept.description]).toEqual(["digest-vdc-gone", "was vdc-gone"]);
    const closed = plan.files.find((file) => file.path === "vdc-b/_vdc.yaml")!.source.objects[1] as { spec: { hard: Record<string, string> } };
    expect(closed.spec.hard["count/virtualmachines.kubevirt.io"]).toBe("0");
  });

  it("GIVEN a deleted VDC whose file is not in the tree THEN nothing is planned for it, whatever holds its namespace", () => {
    const plan = planVdcTree({ views: [view({ namespace: "vdc-x", deletedAt: new Date() })], facts: () => ({ loadBalancers: [], vms: ["vm"] }), vmRows: new Map(), existing: [] });
    expect(plan.files).toEqual([]);
  });

  it("GIVEN an unchanged row THEN the input digest is stable, and it changes with the objects", () => {
    const plan = (ports: { port: number }[]) =>
      planVdcTree({ views: [view()], facts: () => ({ loadBalancers: [{ ports }], vms: [] }), vmRows: new Map(), existing: [] }).files[0]!.inputDigest;
    expect(plan([{ port: 22 }])).toBe(plan([{ port: 22 }]));
    expect(plan([{ port: 22 }])).not.toBe(plan([{ port: 80 }]));
  });

  it("GIVEN the documents of a namespace's directory THEN LoadBalancer Services and KubeVirt VMs are found, other kinds and namespaces ignored", () => {
    const facts = namespaceFacts("vdc-a", [
      { apiVersion: "v1", kind: "Service", metadata: { name: "lb", namespace: "vdc-a" }, spec: { type: "LoadBalancer", ports: [{ port: 22 }] } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "ip", namespace: "vdc-a" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "other", namespace: "elsewhere" }, spec: { type: "LoadBalancer", ports: [{ port: 443 }] } },
      { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "vm-1", namespace: "vdc-a" } },
      { apiVersion: "example.com/v1", kind: "VirtualMachine", metadata: { name: "not-kubevirt" } },
      "text",
      null,
    ]);
    expect(facts).toEqual({ loadBalancers: [{ ports: [{ port: 22 }] }], vms: ["vm-1"] });
  });
});
