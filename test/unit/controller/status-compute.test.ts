import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeOrderStatus,
  findCondition,
  statusEqual,
  type ChildObservation,
  type OrderStatus,
  type OrderStatusInput,
} from "../../../src/controller/status/index.ts";

const V1 = "1235a48e65b9b809";
const V2 = "00000000000000ff";
const T0 = new Date("2025-12-01T10:00:00.250Z");
const T1 = new Date("2025-12-01T10:01:00Z");
const T2 = new Date("2025-12-01T10:02:00Z");
const T3 = new Date("2025-12-01T10:03:00Z");

const KINDS: [string, string][] = [
  ["Secret", "vm-x7k2q-cloud-init"],
  ["DataVolume", "vm-x7k2q-root-disk"],
  ["VirtualMachine", "vm-x7k2q"],
  ["Service", "vm-x7k2q-load-balancer"],
];
const children = (version: string | undefined, overrides: Record<string, Partial<ChildObservation>> = {}): ChildObservation[] =>
  KINDS.map(([kind, name]) => ({ kind, name, exists: true, ...(version ? { configVersion: version } : {}), ...overrides[kind] }));

/** The PARITY.md order, fully reconciled, its VM running and ready. */
function ready(overrides: Partial<OrderStatusInput> = {}): OrderStatusInput {
  return {
    order: { name: "vm-x7k2q", namespace: "cloudkit-vm-orders", uid: "uid-1", generation: 3, desiredConfigVersion: V1, tenant: "my-tenant" },
    acceptance: { accepted: true },
    children: children(V1),
    virtualMachine: { printableStatus: "Running", ready: true },
    virtualMachineInstance: { phase: "Running", interfaces: [{ name: "default", ipAddress: "10.128.0.7", ipAddresses: ["10.128.0.7", "fd10:128::7"] }] },
    dataVolume: { phase: "Succeeded", progress: "100.0%" },
    service: { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } },
    now: T0,
    ...overrides,
  };
}

const condition = (status: OrderStatus, type: string) => findCondition(status.conditions, type);
const times = (status: OrderStatus) => Object.fromEntries((status.conditions ?? []).map((c) => [c.type, c.lastTransitionTime]));

describe("computeOrderStatus", () => {
  it("GIVEN a reconciled order with a ready VM THEN Ready, with references, versions, addresses and all five conditions", () => {
    expect(computeOrderStatus(ready())).toEqual({
      phase: "Ready",
      conditions: [
        { type: "Accepted", status: "True", reason: "Valid", message: "The order passed validation", lastTransitionTime: "2025-12-01T10:00:00Z", observedGeneration: 3 },
        {
          type: "Progressing",
          status: "False",
          reason: "Reconciled",
          message: "Every child is at the desired config version and the VM is ready",
          lastTransitionTime: "2025-12-01T10:00:00Z",
          observedGeneration: 3,
        },
        {
          type: "Available",
          status: "True",
          reason: "VirtualMachineReady",
          message: "VirtualMachine cloudkit-vm-orders-ntfv23cm4rd2e/vm-x7k2q is Running and ready",
          lastTransitionTime: "2025-12-01T10:00:00Z",
          observedGeneration: 3,
        },
        { type: "Degraded", status: "False", reason: "AsExpected", message: "", lastTransitionTime: "2025-12-01T10:00:00Z", observedGeneration: 3 },
        { type: "Deleting", status: "False", reason: "NotRequested", message: "", lastTransitionTime: "2025-12-01T10:00:00Z", observedGeneration: 3 },
      ],
      // The values of the upstream lifecycle example (derived-examples/cloudkit-virtualmachine-lifecycle.yaml).
      virtualMachineReference: { namespace: "cloudkit-vm-orders-ntfv23cm4rd2e", kubeVirtVirtualMachineName: "vm-x7k2q" },
      tenantReference: { name: "tenant-ntfv23cm4rd2e", namespace: "cloudkit-vm-orders" },
      desiredConfigVersion: V1,
      reconciledConfigVersion: V1,
      ipAddresses: ["10.128.0.7", "fd10:128::7", "192.0.2.10"],
    });
  });

  describe("lastTransitionTime and observedGeneration", () => {
    it("GIVEN nothing changed THEN every lastTransitionTime is kept and the status is equal to the previous one", () => {
      const first = computeOrderStatus(ready());
      const second = computeOrderStatus(ready({ previous: first, now: T1 }));
      expect(times(second)).toEqual(times(first));
      expect(statusEqual(first, second)).toBe(true);
    });

    it("WHEN a condition's status changes THEN only its time moves; a reason-only change keeps the time", () => {
      const first = computeOrderStatus(ready());
      const stopped = computeOrderStatus(ready({ previous: first, now: T2, virtualMachine: { printableStatus: "Stopped", ready: false } }));
      expect(condition(stopped, "Available")).toMatchObject({ status: "False", reason: "Stopped", lastTransitionTime: "2025-12-01T10:02:00Z" });
      expect(condition(stopped, "Progressing")).toMatchObject({ status: "True", reason: "Stopped", lastTransitionTime: "2025-12-01T10:02:00Z" });
      for (const type of ["Accepted", "Degraded", "Deleting"]) expect(condition(stopped, type)?.lastTransitionTime).toBe("2025-12-01T10:00:00Z");

      const starting = computeOrderStatus(ready({ previous: stopped, now: T3, virtualMachine: { printableStatus: "Starting", ready: false } }));
      expect(condition(starting, "Available")).toMatchObject({ status: "False", reason: "Starting", lastTransitionTime: "2025-12-01T10:02:00Z" });
      expect(statusEqual(stopped, starting)).toBe(false);
    });

    it("WHEN the generation moves THEN every condition carries it, and times stay when statuses do", () => {
      const first = computeOrderStatus(ready());
      const next = computeOrderStatus(ready({ previous: first, now: T1, order: { ...ready().order, generation: 4 } }));
      expect(next.conditions?.map((c) => c.observedGeneration)).toEqual([4, 4, 4, 4, 4]);
      expect(times(next)).toEqual(times(first));
      expect(statusEqual(first, next)).toBe(false);
    });

    it("GIVEN conditions of another writer in the previous status THEN they are kept unchanged after ours", () => {
      const foreign = { type: "FloatingIPAssigned", status: "True" as const, reason: "Assigned", message: "199.94.60.17", lastTransitionTime: "2025-11-30T00:00:00Z" };
      const status = computeOrderStatus(ready({ previous: { conditions: [foreign] } }));
      expect(status.conditions?.map((c) => c.type)).toEqual(["Accepted", "Progressing", "Available", "Degraded", "Deleting", "FloatingIPAssigned"]);
      expect(status.conditions?.at(-1)).toEqual(foreign);
    });
  });

  describe("Degraded", () => {
    it("GIVEN CrashLoopBackOff THEN Failed and Degraded=True with KubeVirt's explanation", () => {
      const status = computeOrderStatus(
        ready({
          virtualMachine: {
            printableStatus: "CrashLoopBackOff",
            ready: false,
            conditions: [
              { type: "Ready", status: "False", reason: "PodTerminating", message: "virt-launcher pod is restarting" },
              { type: "Failure", status: "True", message: "qemu exited" },
            ],
          },
        }),
      );
      expect(status.phase).toBe("Failed");
      expect(condition(status, "Degraded")).toMatchObject({
        status: "True",
        reason: "CrashLoopBackOff",
        message: "KubeVirt reports the VirtualMachine as CrashLoopBackOff: virt-launcher pod is restarting",
      });
      expect(condition(status, "Progressing")).toMatchObject({ status: "False", reason: "CrashLoopBackOff" });
      expect(condition(status, "Available")).toMatchObject({ status: "False", reason: "CrashLoopBackOff" });
    });

    it("GIVEN a failed DataVolume THEN Failed and Degraded=True DataVolumeFailed", () => {
      const status = computeOrderStatus(
        ready({
          virtualMachine: { printableStatus: "Provisioning" },
          dataVolume: { phase: "Failed", conditions: [{ type: "Running", status: "False", reason: "Error", message: "Unable to connect to http data source" }] },
        }),
      );
      expect(status.phase).toBe("Failed");
      expect(condition(status, "Degraded")).toMatchObject({
        status: "True",
        reason: "DataVolumeFailed",
        message: "The root disk DataVolume failed: Unable to connect to http data source",
      });
    });

    it("GIVEN a change that cannot be applied in place THEN Failed and Degraded=True, while the old VM stays Available", () => {
      const status = computeOrderStatus(
        ready({
          order: { ...ready().order, desiredConfigVersion: V2 },
          blocked: { reason: "DataVolume spec immutable", message: "disk_size changed from 10Gi to 20Gi: CDI cannot resize a DataVolume in place" },
        }),
      );
      expect(status.phase).toBe("Failed");
      expect(condition(status, "Degraded")).toMatchObject({ status: "True", reason: "DataVolumeSpecImmutable" });
      expect(condition(status, "Progressing")).toMatchObject({ status: "False", reason: "DataVolumeSpecImmutable" });
      expect(condition(status, "Available")?.status).toBe("True");
      expect(status).toMatchObject({ desiredConfigVersion: V2, reconciledConfigVersion: V1 });
    });
  });

  describe("reconciledConfigVersion", () => {
    const previous: OrderStatus = { reconciledConfigVersion: V1 };
    const order = { ...ready().order, desiredConfigVersion: V2 };

    it("GIVEN children that do not all carry the new version THEN the previous value is kept and the order is Progressing", () => {
      const status = computeOrderStatus(ready({ order, previous, children: children(V2, { Service: { configVersion: V1 } }) }));
      expect(status.reconciledConfigVersion).toBe(V1);
      expect(status.phase).toBe("Progressing");
      expect(condition(status, "Progressing")).toMatchObject({
        status: "True",
        reason: "ConfigVersionPending",
        message: `3 of 4 children carry config version ${V2} (all last agreed on ${V1})`,
      });
    });

    it("GIVEN a missing or unannotated child THEN the previous value is kept", () => {
      const missing = computeOrderStatus(ready({ order, previous, children: children(V2, { DataVolume: { exists: false } }) }));
      expect(missing.reconciledConfigVersion).toBe(V1);
      expect(condition(missing, "Progressing")).toMatchObject({ reason: "ChildrenMissing", message: "Waiting for DataVolume vm-x7k2q-root-disk to exist" });
      const unannotated = computeOrderStatus(ready({ order, previous, children: children(V2, { Secret: { configVersion: undefined } }) }));
      expect(unannotated.reconciledConfigVersion).toBe(V1);
    });

    it("GIVEN every child carries the new version THEN it is reported", () => {
      expect(computeOrderStatus(ready({ order, previous, children: children(V2) }))).toMatchObject({ reconciledConfigVersion: V2, phase: "Ready" });
    });

    it("GIVEN no agreement and no previous value THEN the field is absent", () => {
      expect(computeOrderStatus(ready({ children: children(V1, { VirtualMachine: { configVersion: V2 } }) }))).not.toHaveProperty("reconciledConfigVersion");
      expect(computeOrderStatus(ready({ children: [] }))).not.toHaveProperty("reconciledConfigVersion");
    });
  });

  describe("acceptance, deletion and progress", () => {
    it("GIVEN validation errors THEN Accepted=False with their reason and message, and the order is Failed", () => {
      const status = computeOrderStatus({
        order: { name: "vm-bad", namespace: "cloudkit-vm-orders", generation: 1, desiredConfigVersion: V1 },
        acceptance: { accepted: false, reason: "invalid template parameters", message: "spec.templateParameters.cpu_cores: must be 1-128 (got \"0\")" },
        children: [],
        now: T0,
      });
      expect(status.phase).toBe("Failed");
      expect(condition(status, "Accepted")).toMatchObject({ status: "False", reason: "InvalidTemplateParameters", message: expect.stringContaining("cpu_cores") });
      expect(condition(status, "Progressing")).toMatchObject({ status: "False", reason: "NotAccepted" });
      expect(condition(status, "Available")).toMatchObject({ status: "False", reason: "VirtualMachineMissing" });
      expect(status).not.toHaveProperty("tenantReference");
      expect(status).not.toHaveProperty("virtualMachineReference");
    });

    it("GIVEN a deletion timestamp THEN Deleting, whatever the VM does", () => {
      const status = computeOrderStatus(ready({ order: { ...ready().order, deletionTimestamp: "2025-12-01T11:00:00Z" } }));
      expect(status.phase).toBe("Deleting");
      expect(condition(status, "Deleting")).toMatchObject({ status: "True", reason: "DeletionRequested" });
      expect(condition(status, "Progressing")).toMatchObject({ status: "False", reason: "Deleting" });
    });

    it("GIVEN the root disk importing THEN Progressing with the import progress", () => {
      const status = computeOrderStatus(
        ready({ virtualMachine: { printableStatus: "Provisioning", ready: false }, dataVolume: { phase: "ImportInProgress", progress: "45.00%" } }),
      );
      expect(condition(status, "Progressing")).toMatchObject({
        status: "True",
        reason: "DataVolumeImporting",
        message: "The root disk DataVolume is ImportInProgress (45.00%)",
      });
    });

    it("GIVEN no KubeVirt VM yet THEN Progressing ChildrenMissing and Available=False VirtualMachineMissing", () => {
      const { virtualMachine: _absent, ...input } = ready({ children: children(undefined, { VirtualMachine: { exists: false } }) });
      const status = computeOrderStatus(input);
      expect(status.phase).toBe("Progressing");
      expect(condition(status, "Progressing")?.reason).toBe("ChildrenMissing");
      expect(condition(status, "Available")?.reason).toBe("VirtualMachineMissing");
    });
  });

  describe("addresses", () => {
    it("THEN guest addresses come first, then LoadBalancer ingress; link-local, prefixes and duplicates are cleaned", () => {
      const status = computeOrderStatus(
        ready({
          virtualMachineInstance: {
            phase: "Running",
            interfaces: [
              { name: "default", ipAddress: "10.0.2.2", ipAddresses: ["10.0.2.2/24", "fe80::1", "169.254.1.1"] },
              { name: "secondary", ipAddress: "192.168.10.5" },
            ],
          },
          service: { loadBalancer: { ingress: [{ hostname: "vm.lb.example.com" }, { ip: "192.168.10.5" }, {}] } },
        }),
      );
      expect(status.ipAddresses).toEqual(["10.0.2.2", "192.168.10.5", "vm.lb.example.com"]);
    });

    it("GIVEN a finished VMI and no ingress THEN no addresses (the field is absent)", () => {
      const status = computeOrderStatus(ready({ virtualMachineInstance: { phase: "Failed", interfaces: [{ ipAddress: "10.0.2.2" }] }, service: {} }));
      expect(status).not.toHaveProperty("ipAddresses");
    });
  });

  describe("properties", () => {
    const printable = fc.constantFrom("Running", "Stopped", "Starting", "Paused", "CrashLoopBackOff", "Unknown", "ErrorUnschedulable", "Provisioning", "Weird", "");
    const input = fc.record({
      accepted: fc.boolean(),
      deleting: fc.boolean(),
      tenant: fc.option(fc.constantFrom("my-tenant", "other"), { nil: undefined }),
      vm: fc.option(fc.record({ printableStatus: printable, ready: fc.boolean() }), { nil: undefined }),
      versions: fc.array(fc.option(fc.constantFrom(V1, V2), { nil: undefined }), { minLength: 0, maxLength: 4 }),
      dvPhase: fc.option(fc.constantFrom("Succeeded", "Failed", "ImportInProgress", "Pending"), { nil: undefined }),
      blocked: fc.boolean(),
      generation: fc.integer({ min: 1, max: 1_000 }),
    });
    type Facts = typeof input extends fc.Arbitrary<infer T> ? T : never;
    const build = (facts: Facts, previous: OrderStatus | undefined, now: Date): OrderStatusInput => ({
      order: {
        name: "vm-x7k2q",
        namespace: "cloudkit-vm-orders",
        generation: facts.generation,
        desiredConfigVersion: V1,
        ...(facts.tenant ? { tenant: facts.tenant } : {}),
        ...(facts.deleting ? { deletionTimestamp: "2025-12-01T11:00:00Z" } : {}),
      },
      acceptance: facts.accepted ? { accepted: true } : { accepted: false, reason: "Invalid", message: "bad" },
      children: facts.versions.map((version, index) => ({ kind: "Secret", name: `s${index}`, exists: version !== undefined, ...(version ? { configVersion: version } : {}) })),
      ...(facts.vm ? { virtualMachine: facts.vm } : {}),
      ...(facts.dvPhase ? { dataVolume: { phase: facts.dvPhase } } : {}),
      ...(facts.blocked ? { blocked: { reason: "Blocked", message: "x" } } : {}),
      ...(previous ? { previous } : {}),
      now,
    });

    it("THEN recomputing from the same facts changes nothing, reasons fit the CRD pattern, and Ready implies Available", () => {
      fc.assert(
        fc.property(input, (facts) => {
          const first = computeOrderStatus(build(facts, undefined, T0));
          const again = computeOrderStatus(build(facts, first, T1));
          expect(statusEqual(first, again)).toBe(true);
          for (const c of first.conditions ?? []) {
            expect(c.reason).toMatch(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/);
            expect(c.observedGeneration).toBe(facts.generation);
          }
          expect(["Progressing", "Ready", "Failed", "Deleting"]).toContain(first.phase);
          if (first.phase === "Ready") expect(condition(first, "Available")?.status).toBe("True");
          if (first.phase === "Failed" && facts.accepted && !facts.deleting) expect(condition(first, "Degraded")?.status).toBe("True");
        }),
        { numRuns: 300 },
      );
    });
  });
});
