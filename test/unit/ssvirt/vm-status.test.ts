// SSVirt's VM status mapping, VM data and vApp aggregation, from SSVirt's own table tests
// (controllers/vmstatus_controller_test.go TestMapVMStatus, TestExtractVMIData,
// TestExtractVMSpecData, TestFormatGuestOS; vappstatus_controller_test.go) re-expressed as data,
// plus the cases the reference README lists.
import { describe, expect, it } from "vitest";
import { PRINTABLE_STATUSES } from "../../../src/controller/status/printable-status.ts";
import { quantityValue } from "../../../src/ssvirt/status/quantity-bytes.ts";
import { canChangeVAppStatus, evaluateVAppStatus } from "../../../src/ssvirt/status/vapp-status.ts";
import { vmData, vmiData, vmSpecData } from "../../../src/ssvirt/status/vm-data.ts";
import { observationFingerprint, observeDeletedVm, observeVm } from "../../../src/ssvirt/status/vm-observation.ts";
import { SSVIRT_VM_STATUSES, ssvirtVmStatus } from "../../../src/ssvirt/status/vm-status.ts";

// printableStatus → vms.status (README table; TestMapVMStatus covers the first eleven).
const MAPPING: [string, string][] = [
  ["Running", "POWERED_ON"],
  ["Stopped", "POWERED_OFF"],
  ["Starting", "POWERING_ON"],
  ["Stopping", "POWERING_OFF"],
  ["Terminating", "POWERING_OFF"],
  ["Provisioning", "STARTING"],
  ["Paused", "SUSPENDED"],
  ["Migrating", "POWERED_ON"],
  ["CrashLoopBackOff", "ERROR"],
  ["Unknown", "UNKNOWN"],
  ["WaitingForVolumeBinding", "STARTING"],
  ["WaitingForReceiver", "STARTING"],
  ["ErrorUnschedulable", "ERROR"],
  ["ErrImagePull", "ERROR"],
  ["ImagePullBackOff", "ERROR"],
  ["ErrorPvcNotFound", "ERROR"],
  ["DataVolumeError", "ERROR"],
  ["ErrorDataVolumeNotFound", "UNKNOWN"],
  ["SomethingNew", "UNKNOWN"],
];

describe("vms.status", () => {
  it.each(MAPPING)("GIVEN printableStatus %s THEN %s", (printableStatus, expected) => {
    expect(ssvirtVmStatus({ printableStatus })).toBe(expected);
  });

  it("GIVEN every printableStatus KubeVirt defines THEN each has an entry of its own (none falls through to UNKNOWN but Unknown)", () => {
    for (const printable of PRINTABLE_STATUSES) {
      expect(MAPPING.find(([name]) => name === printable)).toBeDefined();
      expect(ssvirtVmStatus({ printableStatus: printable })).toBe(MAPPING.find(([name]) => name === printable)![1]);
    }
  });

  it.each([
    [{ deletionTimestamp: "2025-01-01T00:00:00Z", printableStatus: "Running" }, "DELETING"],
    [{ running: true }, "STARTING"],
    [{ running: false }, "STOPPED"],
    [{}, "STOPPED"],
    [{ runStrategy: "Always" }, "STARTING"],
    [{ runStrategy: "RerunOnFailure" }, "STARTING"],
    [{ runStrategy: "Once" }, "STARTING"],
    [{ runStrategy: "Halted" }, "STOPPED"],
    [{ runStrategy: "Manual" }, "STOPPED"],
    [{ printableStatus: "", running: true }, "STARTING"],
  ] as const)("GIVEN %o THEN %s", (input, expected) => {
    expect(ssvirtVmStatus(input)).toBe(expected);
  });

  it("GIVEN the statuses written THEN they are the eleven the README lists", () => {
    expect([...SSVIRT_VM_STATUSES].sort()).toEqual(
      ["DELETED", "DELETING", "ERROR", "POWERED_OFF", "POWERED_ON", "POWERING_OFF", "POWERING_ON", "STARTING", "STOPPED", "SUSPENDED", "UNKNOWN"].sort(),
    );
  });
});

describe("cpu_count, memory_mb and guest_os", () => {
  it.each([
    ["complete VMI", { currentCPUTopology: { cores: 2, sockets: 1, threads: 1 }, memory: { guestCurrent: "4Gi" }, guestOSInfo: { prettyName: "CentOS Stream 9" } }, { cpuCount: 2, memoryMb: 4096, guestOs: "CentOS Stream 9" }],
    ["partial VMI", { currentCPUTopology: { cores: 4, sockets: 2, threads: 1 } }, { cpuCount: 8 }],
    ["name and version", { guestOSInfo: { name: "Ubuntu", version: "22.04" } }, { guestOs: "Ubuntu 22.04" }],
    ["only name", { guestOSInfo: { name: "Fedora" } }, { guestOs: "Fedora" }],
    ["only id", { guestOSInfo: { id: "rhel" } }, { guestOs: "rhel" }],
    ["pretty name wins", { guestOSInfo: { prettyName: "CentOS Stream 9", name: "centos", version: "9" } }, { guestOs: "CentOS Stream 9" }],
    ["empty VMI", {}, {}],
    ["empty guest info is no value (SSVirt never writes its 'Unknown')", { guestOSInfo: {} }, {}],
    ["memory in bytes", { memory: { guestCurrent: 4294967296 } }, { memoryMb: 4096 }],
    ["memory rounded down to whole MiB", { memory: { guestCurrent: "1536Ki" } }, { memoryMb: 1 }],
    ["less than a MiB is no value (CHECK memory_mb > 0)", { memory: { guestCurrent: "512Ki" } }, {}],
  ] as const)("GIVEN a VMI with %s THEN %o", (_name, status, expected) => {
    expect(vmiData(status)).toEqual(expected);
  });

  it.each([
    ["complete spec", { cpu: { cores: 2, sockets: 1, threads: 1 }, memoryGuest: "2Gi", osAnnotation: "rhel9" }, { cpuCount: 2, memoryMb: 2048, guestOs: "rhel9" }],
    ["multi-socket CPU", { cpu: { cores: 2, sockets: 2, threads: 2 } }, { cpuCount: 8 }],
    ["no spec data", {}, {}],
    ["cores only: the others count as 1, as in KubeVirt (SSVirt would write 0)", { cpu: { cores: 4 } }, { cpuCount: 4 }],
    ["requests.memory when memory.guest is unset", { requestsMemory: "3Gi" }, { memoryMb: 3072 }],
    ["memory.guest wins over requests", { memoryGuest: "1Gi", requestsMemory: "3Gi" }, { memoryMb: 1024 }],
  ] as const)("GIVEN a VM spec with %s THEN %o", (_name, spec, expected) => {
    expect(vmSpecData(spec)).toEqual(expected);
  });

  it("GIVEN a VMI and a spec THEN each field comes from the VMI when it has it, else from the spec", () => {
    expect(vmData({ currentCPUTopology: { cores: 4, sockets: 1, threads: 1 } }, { cpu: { cores: 2 }, memoryGuest: "2Gi", osAnnotation: "fedora" })).toEqual({ cpuCount: 4, memoryMb: 2048, guestOs: "fedora" });
    expect(vmData(undefined, { cpu: { cores: 2 } })).toEqual({ cpuCount: 2 });
  });

  it.each([
    ["2Gi", 2147483648],
    ["1.5", 2],
    ["100m", 1],
    ["2e3", 2000],
    ["1k", 1000],
    ["+3M", 3000000],
    [1024, 1024],
    ["-1Gi", undefined],
    ["x", undefined],
    ["", undefined],
    ["1Zi", undefined],
  ] as const)("GIVEN the quantity %j THEN its value is %s", (text, expected) => {
    expect(quantityValue(text)).toBe(expected);
  });
});

describe("vApp status", () => {
  // TestVAppStatusEvaluator_EvaluateStatus, as data: [TemplateInstance ready, failed, VM statuses, expected].
  const SSVIRT_CASES: [boolean, boolean, (string | null)[], string][] = [
    [false, true, [], "FAILED"],
    [false, false, [], "INSTANTIATING"],
    [true, false, [], "INSTANTIATING"],
    [true, false, ["UNRESOLVED"], "INSTANTIATING"],
    [true, false, [""], "INSTANTIATING"],
    [true, false, ["DELETING"], "DELETING"],
    [true, false, ["DELETED"], "DELETING"],
    [true, false, ["POWERED_OFF"], "DEPLOYED"],
    [true, false, ["POWERED_ON", "POWERED_ON"], "DEPLOYED"],
    [true, false, ["POWERED_ON", "POWERED_OFF"], "DEPLOYED"],
    [true, false, ["SUSPENDED"], "DEPLOYED"],
    [true, false, ["POWERED_ON", "UNRESOLVED"], "INSTANTIATING"],
  ];
  it.each(SSVIRT_CASES)("GIVEN a TemplateInstance ready=%s failed=%s and VMs %j THEN %s", (ready, failed, statuses, expected) => {
    expect(evaluateVAppStatus({ ready, failed }, statuses)).toBe(expected);
  });

  it.each([
    [[], "INSTANTIATING"],
    [[null], "INSTANTIATING"],
    [["STARTING"], "DEPLOYED"],
    [["POWERED_ON", "DELETED"], "DELETING"],
    [["DELETED", ""], "DELETING"],
    [["", "DELETED"], "INSTANTIATING"],
  ] as const)("GIVEN no TemplateInstance and VMs %j (in id order) THEN %s", (statuses, expected) => {
    expect(evaluateVAppStatus(undefined, statuses)).toBe(expected);
  });
});

describe("Observing a KubeVirt VM", () => {
  const vm = {
    metadata: { name: "web-1", namespace: "vdc-a-b", labels: { "vapp.ssvirt.io/vapp-id": "urn:vcloud:vapp:1", "vapp.ssvirt": "web" }, annotations: { "vm.kubevirt.io/os": "fedora" } },
    spec: { runStrategy: "Always", template: { spec: { domain: { cpu: { cores: 2 }, memory: { guest: "2Gi" } } } } },
    status: { printableStatus: "Running" },
  };
  it("GIVEN a VM and its VMI THEN the observation has the row keys, the status and the data", () => {
    const vmi = { metadata: { name: "web-1", namespace: "vdc-a-b" }, status: { currentCPUTopology: { cores: 2, sockets: 1, threads: 1 }, memory: { guestCurrent: "2Gi" }, guestOSInfo: { prettyName: "Fedora Linux 40" } } };
    expect(observeVm(vm, vmi)).toEqual({ namespace: "vdc-a-b", name: "web-1", vappId: "urn:vcloud:vapp:1", vappName: "web", status: "POWERED_ON", data: { cpuCount: 2, memoryMb: 2048, guestOs: "Fedora Linux 40" } });
    expect(observeVm(vm, undefined).data).toEqual({ cpuCount: 2, memoryMb: 2048, guestOs: "fedora" });
  });

  it("GIVEN a VM that is gone THEN DELETED, keyed by its last labels when known", () => {
    expect(observeDeletedVm("vdc-a-b", "web-1", vm)).toMatchObject({ status: "DELETED", vappId: "urn:vcloud:vapp:1", data: {} });
    expect(observeDeletedVm("vdc-a-b", "web-1", undefined)).toEqual({ namespace: "vdc-a-b", name: "web-1", vappId: undefined, vappName: undefined, status: "DELETED", data: {} });
  });

  it("GIVEN two observations THEN the fingerprints differ exactly when something to write differs", () => {
    const base = observeVm(vm, undefined);
    expect(observationFingerprint(base)).toBe(observationFingerprint(observeVm({ ...vm, metadata: { ...vm.metadata } }, undefined)));
    expect(observationFingerprint(base)).not.toBe(observationFingerprint({ ...base, status: "POWERED_OFF" }));
    expect(observationFingerprint(base)).not.toBe(observationFingerprint({ ...base, data: { ...base.data, guestOs: "x" } }));
  });
});

describe("Which VM status changes can move a vApp", () => {
  it.each([
    ["", "STARTING", true],
    [null, "POWERED_ON", true],
    ["POWERED_ON", "DELETED", true],
    ["DELETING", "POWERED_ON", true],
    ["UNRESOLVED", "ERROR", true],
    ["POWERED_ON", "POWERED_OFF", false],
    ["STARTING", "ERROR", false],
  ] as const)("GIVEN %j → %j THEN the aggregate may change: %s", (from, to, expected) => {
    expect(canChangeVAppStatus(from, to)).toBe(expected);
    // The claim behind it: for any other VMs, the aggregate is the same before and after.
    if (!expected) {
      for (const others of [[], ["POWERED_ON"], [""], ["DELETED"], ["POWERED_ON", "UNRESOLVED"]]) {
        expect(evaluateVAppStatus(undefined, [...others, from])).toBe(evaluateVAppStatus(undefined, [...others, to]));
        expect(evaluateVAppStatus(undefined, [from, ...others])).toBe(evaluateVAppStatus(undefined, [to, ...others]));
      }
    }
  });
});
