import { describe, expect, it } from "vitest";
import { compareValues } from "../../../src/migration/compare/compare-values.ts";
import { formatGenericPath, formatPath } from "../../../src/migration/compare/field-path.ts";
import { normalizePair } from "../../../src/migration/compare/normalize.ts";

describe("compareValues", () => {
  it.each([
    ["equal scalars", 1, 1, []],
    ["changed scalar", { a: 1 }, { a: 2 }, [{ path: ["a"], live: 1, rendered: 2 }]],
    ["field only live", { a: 1, b: { c: 2 } }, { a: 1 }, [{ path: ["b"], live: { c: 2 }, rendered: undefined }]],
    ["field only rendered", {}, { a: [1] }, [{ path: ["a"], live: undefined, rendered: [1] }]],
    ["array element changed", { p: [{ port: 22 }, { port: 80 }] }, { p: [{ port: 22 }, { port: 8080 }] }, [{ path: ["p", 1, "port"], live: 80, rendered: 8080 }]],
    ["array longer live", { p: [1, 2] }, { p: [1] }, [{ path: ["p", 1], live: 2, rendered: undefined }]],
    ["type change", { a: "4" }, { a: 4 }, [{ path: ["a"], live: "4", rendered: 4 }]],
    ["object vs array", { a: {} }, { a: [] }, [{ path: ["a"], live: {}, rendered: [] }]],
    ["null vs absent", { a: null }, {}, [{ path: ["a"], live: null, rendered: undefined }]],
  ])("GIVEN %s THEN the differences are exact", (_name, live, rendered, expected) => {
    expect(compareValues(live, rendered)).toEqual(expected);
  });

  it("reports keys in sorted order, deepest path first", () => {
    const paths = compareValues({ b: 1, a: { y: 1, x: 1 } }, { b: 2, a: { y: 2, x: 2 } }).map((d) => formatPath(d.path));
    expect(paths).toEqual(["a.x", "a.y", "b"]);
  });
});

describe("formatPath", () => {
  it("quotes keys that are not identifiers and shows indices", () => {
    expect(formatPath(["metadata", "labels", "app.kubernetes.io/name"])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(formatPath(["spec", "ports", 1, "port"])).toBe("spec.ports[1].port");
    expect(formatGenericPath(["spec", "ports", 1, "port"])).toBe("spec.ports[*].port");
    expect(formatPath([])).toBe("(whole object)");
  });
});

describe("normalizePair", () => {
  const service = (extra: Record<string, unknown> = {}) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "vm-load-balancer", namespace: "ns", labels: { "cloudkit.openshift.io/virtualmachine": "vm" } },
    spec: { type: "LoadBalancer", selector: { "cloudkit.openshift.io/virtualmachine": "vm" }, ports: [{ name: "tcp-22", port: 22, targetPort: 22, protocol: "TCP" }], ...extra },
  });

  it("GIVEN a defaulted field the rendered object leaves out THEN it is not compared", () => {
    const { live, rendered } = normalizePair("Service", service({ sessionAffinity: "None" }), service());
    expect(compareValues(live, rendered)).toEqual([]);
  });

  it("GIVEN a defaulted field the rendered object sets THEN the live value must match", () => {
    const { live, rendered } = normalizePair("Service", service({ externalTrafficPolicy: "Cluster" }), service({ externalTrafficPolicy: "Local" }));
    expect(compareValues(live, rendered)).toEqual([{ path: ["spec", "externalTrafficPolicy"], live: "Cluster", rendered: "Local" }]);
  });

  it("GIVEN an owned field THEN it is never compared, even when rendered", () => {
    const { live, rendered } = normalizePair("Service", { ...service(), status: { a: 1 } }, { ...service(), status: { a: 2 } });
    expect(compareValues(live, rendered)).toEqual([]);
  });

  it("GIVEN a finalizer of KubeVirt and one of a user THEN only KubeVirt's is ignored", () => {
    const vm = (finalizers?: string[]) => ({ kind: "VirtualMachine", metadata: { name: "vm", ...(finalizers ? { finalizers } : {}) }, spec: {} });
    const onlyKubeVirt = normalizePair("VirtualMachine", vm(["kubevirt.io/virtualMachineControllerFinalize"]), vm());
    expect(compareValues(onlyKubeVirt.live, onlyKubeVirt.rendered)).toEqual([]);
    const withUser = normalizePair("VirtualMachine", vm(["kubevirt.io/virtualMachineControllerFinalize", "example.com/keep"]), vm());
    expect(compareValues(withUser.live, withUser.rendered)).toEqual([{ path: ["metadata", "finalizers"], live: ["example.com/keep"], rendered: undefined }]);
  });

  it("GIVEN annotations that were all KubeVirt's THEN the emptied map goes too", () => {
    const live = { kind: "VirtualMachine", metadata: { name: "vm", annotations: { "kubevirt.io/latest-observed-api-version": "v1" } } };
    const normalized = normalizePair("VirtualMachine", live, { kind: "VirtualMachine", metadata: { name: "vm" } });
    expect(normalized.live).toEqual({ kind: "VirtualMachine", metadata: { name: "vm" } });
  });

  it("GIVEN the same quantity in another notation THEN it is equal; a different one is not", () => {
    const vm = (guest: string) => ({ kind: "VirtualMachine", metadata: { name: "vm" }, spec: { template: { spec: { domain: { memory: { guest } } } } } });
    const same = normalizePair("VirtualMachine", vm("4Gi"), vm("4096Mi"));
    expect(compareValues(same.live, same.rendered)).toEqual([]);
    const other = normalizePair("VirtualMachine", vm("4Gi"), vm("2Gi"));
    expect(compareValues(other.live, other.rendered)).toHaveLength(1);
  });

  it("GIVEN a Secret type other than Opaque and no rendered type THEN it is compared", () => {
    const secret = (type?: string) => ({ kind: "Secret", metadata: { name: "s" }, ...(type ? { type } : {}) });
    const opaque = normalizePair("Secret", secret("Opaque"), secret());
    expect(compareValues(opaque.live, opaque.rendered)).toEqual([]);
    const tls = normalizePair("Secret", secret("kubernetes.io/tls"), secret());
    expect(compareValues(tls.live, tls.rendered)).toEqual([{ path: ["type"], live: "kubernetes.io/tls", rendered: undefined }]);
  });

  it("leaves its inputs unchanged", () => {
    const live = { ...service({ clusterIP: "10.0.0.1" }), status: {} };
    const before = structuredClone(live);
    normalizePair("Service", live, service());
    expect(live).toEqual(before);
  });
});
