import { describe, expect, it } from "vitest";
import { decideDeletedNamespace } from "../../../src/ssvirt/vdc/deletion.ts";
import { sanitizeLabelValue } from "../../../src/ssvirt/model/label-value.ts";
import { uuidOfUrn } from "../../../src/ssvirt/model/urn.ts";
import { ingressPortsOf } from "../../../src/ssvirt/vdc/network-policy.ts";
import { canonicalMebibytes, canonicalMillicores } from "../../../src/ssvirt/vdc/quantity.ts";
import { quotaHard } from "../../../src/ssvirt/vdc/resource-quota.ts";
import { vdcObjects } from "../../../src/ssvirt/vdc/vdc-objects.ts";
import { planVdcNamespaces } from "../../../src/ssvirt/vdc/vdc-plan.ts";
import { vdcState } from "../../../src/ssvirt/vdc/vdc-state.ts";
import { ORG_ID, VDC_ID, view } from "./support.ts";

const DEFAULTS = { configmaps: "50", persistentvolumeclaims: "20", pods: "50", secrets: "50", services: "10" };

describe("VDC namespace objects", () => {
  it("GIVEN an enabled VDC THEN the Namespace carries SSVirt's labels and annotations", () => {
    const [namespace] = vdcObjects(view(), []).objects;
    expect(namespace).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "vdc-testorganization-testvdc",
        labels: {
          "ssvirt.io/organization": "Test-Organization",
          "ssvirt.io/organization-id": "11111111-2222-3333-4444-555555555555",
          "ssvirt.io/vdc": "Test-VDC",
          "ssvirt.io/vdc-id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
          "app.kubernetes.io/managed-by": "ssvirt",
          "app.kubernetes.io/component": "vdc",
        },
        annotations: {
          "ssvirt.io/organization-display-name": "Test Organization Full Name",
          "ssvirt.io/organization-description": "Org for tests",
          "ssvirt.io/organization-urn": ORG_ID,
          "ssvirt.io/vdc-description": "First VDC",
          "ssvirt.io/vdc-urn": VDC_ID,
          "ssvirt.io/created-by": "osac-vm-gitops",
          "argocd.argoproj.io/sync-wave": "-1",
        },
      },
    });
  });

  it("GIVEN an enabled VDC with no compute limits THEN the quota is SSVirt's defaults and nothing else", () => {
    const [, quota] = vdcObjects(view(), []).objects;
    expect(quota).toMatchObject({ kind: "ResourceQuota", metadata: { name: "vdc-quota", namespace: "vdc-testorganization-testvdc" }, spec: { hard: DEFAULTS } });
    expect(quota!.metadata.labels).toEqual({
      "ssvirt.io/vdc": "Test-VDC",
      "ssvirt.io/vdc-id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
      "app.kubernetes.io/managed-by": "ssvirt",
      "app.kubernetes.io/component": "resource-quota",
    });
  });

  // [cpu_limit, cpu_units, memory_limit, memory_units, CPU quota, memory quota, warnings]
  const QUOTA: [number, string, number, string, string | undefined, string | undefined, number][] = [
    [4, "cores", 0, "MB", "4", undefined, 0],
    [2, "millicores", 0, "MB", "2m", undefined, 0],
    [1500, "millicores", 0, "MB", "1500m", undefined, 0],
    [3000, "millicores", 0, "MB", "3", undefined, 0],
    [2000, "MHz", 0, "MB", undefined, undefined, 1],
    [8, "GHz", 0, "MB", undefined, undefined, 1],
    [0, "cores", 0, "MB", undefined, undefined, 0],
    [-4, "cores", -1, "MB", undefined, undefined, 0],
    [0, "MHz", 1024, "MB", undefined, "1Gi", 0],
    [0, "MHz", 1536, "MB", undefined, "1536Mi", 0],
    [0, "MHz", 512, "MB", undefined, "512Mi", 0],
    [0, "MHz", 1024 * 1024, "MB", undefined, "1Ti", 0],
    [0, "MHz", 16, "GB", undefined, "16Mi", 0],
  ];
  it.each(QUOTA)("GIVEN cpu_limit %d %s and memory_limit %d %s THEN requests/limits.cpu %s and requests/limits.memory %s", (cpuLimit, cpuUnits, memoryLimit, memoryUnits, cpu, memory, warnings) => {
    const result = quotaHard(view({ cpuLimit, cpuUnits, memoryLimit, memoryUnits }), "enabled");
    expect(result.hard["requests.cpu"]).toBe(cpu);
    expect(result.hard["limits.cpu"]).toBe(cpu);
    expect(result.hard["requests.memory"]).toBe(memory);
    expect(result.hard["limits.memory"]).toBe(memory);
    expect(result.warnings).toHaveLength(warnings);
    expect(result.hard).toMatchObject(DEFAULTS);
  });

  it.each([
    [{ isEnabled: false }, {}, "disabled"],
    [{}, { isEnabled: false }, "disabled"],
    [{}, { deletedAt: new Date() }, "disabled"],
    [{ deletedAt: new Date() }, {}, "deleted"],
    [{ deletedAt: new Date(), isEnabled: false }, {}, "deleted"],
    [{}, {}, "enabled"],
  ] as const)("GIVEN VDC %o and organization %o THEN the state is %s", (vdcOverrides, organizationOverrides, state) => {
    expect(vdcState(view(vdcOverrides, organizationOverrides))).toBe(state);
  });

  it("GIVEN a VDC without its organization row THEN it is disabled and its organization label is empty", () => {
    const result = vdcObjects({ vdc: view().vdc, organization: undefined }, []);
    expect(result.state).toBe("disabled");
    expect(result.objects[0]!.metadata.labels!["ssvirt.io/organization"]).toBe("");
  });

  it("GIVEN a disabled or deleted VDC THEN its quota keeps the compute limits and allows no new VirtualMachine", () => {
    for (const overrides of [{ isEnabled: false }, { deletedAt: new Date() }]) {
      const [, quota] = vdcObjects(view({ ...overrides, cpuLimit: 4, cpuUnits: "cores", memoryLimit: 8192 }), []).objects;
      expect((quota!.spec as { hard: Record<string, string> }).hard).toEqual({
        ...DEFAULTS,
        "count/virtualmachines.kubevirt.io": "0",
        "limits.cpu": "4",
        "limits.memory": "8Gi",
        "requests.cpu": "4",
        "requests.memory": "8Gi",
      });
    }
    const [, enabled] = vdcObjects(view(), []).objects;
    expect(Object.keys((enabled!.spec as { hard: object }).hard)).not.toContain("count/virtualmachines.kubevirt.io");
  });

  it("GIVEN quota on requests only or on limits THEN the LimitRange defaults requests always and limits only where the quota needs them", () => {
    const [, , noLimits] = vdcObjects(view(), []).objects;
    expect(noLimits).toMatchObject({ kind: "LimitRange", metadata: { name: "vdc-limits" }, spec: { limits: [{ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" } }] } });
    expect((noLimits!.spec as { limits: object[] }).limits[0]).not.toHaveProperty("default");
    const [, , memoryOnly] = vdcObjects(view({ memoryLimit: 4096 }), []).objects;
    expect((memoryOnly!.spec as { limits: { default?: object }[] }).limits[0]!.default).toEqual({ memory: "1Gi" });
    const [, , both] = vdcObjects(view({ memoryLimit: 4096, cpuLimit: 8, cpuUnits: "cores" }), []).objects;
    expect((both!.spec as { limits: { default?: object; max?: object }[] }).limits[0]).toEqual({ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "1", memory: "1Gi" } });
  });

  it("GIVEN LoadBalancer Services THEN the NetworkPolicy denies ingress but from the namespace and to each Service's target ports", () => {
    const ports = ingressPortsOf([
      { ports: [{ port: 22, targetPort: 22, protocol: "TCP" }, { port: 80, targetPort: 8080 }] },
      { ports: [{ port: 53, protocol: "UDP" }, { port: 443, targetPort: "https" }, { port: 22, protocol: "TCP" }, { port: 0 }, { port: 70000 }] },
    ]);
    expect(ports).toEqual([
      { protocol: "TCP", port: 22 },
      { protocol: "TCP", port: 8080 },
      { protocol: "TCP", port: "https" },
      { protocol: "UDP", port: 53 },
    ]);
    const [, , , policy] = vdcObjects(view(), ports).objects;
    expect(policy).toMatchObject({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "vdc-ingress", namespace: "vdc-testorganization-testvdc" },
      spec: {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: {} }] }, { ports }],
      },
    });
    const [, , , closed] = vdcObjects(view(), []).objects;
    expect((closed!.spec as { ingress: object[] }).ingress).toEqual([{ from: [{ podSelector: {} }] }]);
  });
});

describe("SSVirt's label values", () => {
  it.each([
    ["Test Organization", "Test-Organization"],
    ["", ""],
    ["!!!", "unknown"],
    ["_a.b-", "a.b"],
    ["Ünïcode", "n-code"],
    ["x".repeat(62) + "-yz", "x".repeat(62)],
  ])("GIVEN %j THEN the label value is %j", (input, expected) => {
    expect(sanitizeLabelValue(input)).toBe(expected);
  });

  it.each([
    ["urn:vcloud:vdc:1234", "1234"],
    ["urn:vcloud:vdc:a:b", "a"],
    ["not-a-urn", "not-a-urn"],
    ["a:b", "a-b"],
  ])("GIVEN the URN %j THEN the id label is %j", (urn, expected) => {
    expect(uuidOfUrn(urn)).toBe(expected);
  });

  it.each([
    [1000, "1"],
    [250, "250m"],
    [1024, "1Gi"],
  ])("GIVEN %d THEN the canonical quantities are as the API server stores them", (value, expected) => {
    expect(value === 250 || value === 1000 ? canonicalMillicores(value) : canonicalMebibytes(value)).toBe(expected);
  });
});

describe("Planning VDC namespaces", () => {
  it("GIVEN live, disabled, deleted, reused and broken rows THEN each namespace is kept, deleted or reported", () => {
    const plan = planVdcNamespaces([
      view({ id: "urn:vcloud:vdc:1", namespace: "vdc-a" }),
      view({ id: "urn:vcloud:vdc:2", namespace: "vdc-b", isEnabled: false }),
      view({ id: "urn:vcloud:vdc:3", namespace: "vdc-c", deletedAt: new Date("2025-01-01T00:00:00Z") }),
      view({ id: "urn:vcloud:vdc:4", namespace: "vdc-c", deletedAt: new Date("2025-02-01T00:00:00Z") }),
      view({ id: "urn:vcloud:vdc:5", namespace: "vdc-a", deletedAt: new Date("2025-01-01T00:00:00Z") }),
      view({ id: "urn:vcloud:vdc:6", namespace: "" }),
      view({ id: "urn:vcloud:vdc:7", namespace: "Bad_Name" }),
      view({ id: "urn:vcloud:vdc:8", namespace: "vdc-d" }),
      view({ id: "urn:vcloud:vdc:9", namespace: "vdc-d" }),
      view({ id: "urn:vcloud:vdc:10", namespace: "", deletedAt: new Date() }),
    ]);
    expect(plan.kept.map((entry) => [entry.namespace, entry.view.vdc.id])).toEqual([
      ["vdc-a", "urn:vcloud:vdc:1"],
      ["vdc-b", "urn:vcloud:vdc:2"],
    ]);
    expect(plan.deleted.map((entry) => [entry.namespace, entry.view.vdc.id])).toEqual([["vdc-c", "urn:vcloud:vdc:4"]]);
    expect(plan.problems).toHaveLength(3);
    expect(plan.problems.join("\n")).toMatch(/urn:vcloud:vdc:6.*no namespace/);
    expect(plan.problems.join("\n")).toMatch(/"Bad_Name" is not a valid namespace name/);
    expect(plan.problems.join("\n")).toMatch(/vdc-d is claimed by 2 VDCs/);
  });

  const OURS = { "app.kubernetes.io/managed-by": "ssvirt", "ssvirt.io/vdc-id": "id-1" };
  it.each([
    [{ liveLabels: undefined, vms: [] }, { kind: "gone" }],
    [{ liveLabels: OURS, vms: [] }, { kind: "remove" }],
    [{ liveLabels: OURS, vms: ["b", "a", "b"] }, { kind: "retain", vms: ["a", "b"] }],
    [{ liveLabels: { ...OURS, "ssvirt.io/vdc-id": "id-2" }, vms: [] }, { kind: "foreign" }],
    [{ liveLabels: { "ssvirt.io/vdc-id": "id-1" }, vms: [] }, { kind: "foreign" }],
  ] as const)("GIVEN a deleted VDC's namespace %o THEN %o", (input, expected) => {
    expect(decideDeletedNamespace({ vdcIds: ["id-1"], ...input })).toMatchObject(expected);
  });
});
