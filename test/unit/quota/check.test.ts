import { describe, expect, it } from "vitest";
import { amountOfInteger, parseAmount } from "../../../src/domain/quantity/amount.ts";
import {
  builtinOrderWorkload,
  demandOfWorkload,
  describeExcesses,
  describeUsage,
  exceededQuotas,
  namespaceUsage,
  vmDemand,
  workloadNames,
  type DiskPart,
  type NamespaceWorkloads,
  type QuotaView,
  type VmPart,
} from "../../../src/domain/quota/index.ts";
import { validOrder } from "../../support/orders.ts";

function vm(name: string, cpu: number, memory: string, volumeTemplates: DiskPart[] = []): VmPart {
  return { name, cpu: amountOfInteger(cpu), memory: parseAmount(memory)!, volumeTemplates, unresolved: [] };
}

function disk(name: string, storage: string): DiskPart {
  return { name, storage: parseAmount(storage)! };
}

const QUOTA: QuotaView = { name: "vdc-quota", hard: { "limits.cpu": "8", "requests.cpu": "8", "limits.memory": "16Gi", "requests.storage": "100Gi", pods: "50" }, used: {}, scoped: false };
const NOTHING = { virtualMachineNames: new Set<string>(), dataVolumeNames: new Set<string>() };

function orderWorkload(name: string, cpu: string) {
  const order = validOrder({ cpu_cores: cpu, memory: "4Gi", disk_size: "20Gi" }, { name });
  return builtinOrderWorkload(order.name, order.parameters);
}

describe("a namespace's usage from watched state", () => {
  const state: NamespaceWorkloads = {
    virtualMachines: new Map([
      ["vm-a", vm("vm-a", 2, "4Gi")],
      ["vm-b", vm("vm-b", 1, "2Gi", [disk("vm-b", "30Gi")])],
    ]),
    dataVolumes: new Map([["vm-a-root-disk", disk("vm-a-root-disk", "10Gi")]]),
    orders: [
      { key: "orders/vm-a", workload: orderWorkload("vm-a", "2") },
      { key: "orders/vm-c", workload: orderWorkload("vm-c", "3") },
    ],
  };

  it("GIVEN two VMs, one disk and an order not yet applied THEN VMs and disks are counted once, and the order's objects are pending", () => {
    const usage = namespaceUsage(state, NOTHING);
    expect(usage.counted).toMatchObject({ cpu: { units: 3n }, virtualMachines: { units: 2n } });
    expect(usage.counted.storage).toEqual(parseAmount("40Gi"));
    expect(usage.pending).toMatchObject({ cpu: { units: 3n }, virtualMachines: { units: 1n }, services: { units: 1n }, secrets: { units: 1n } });
    expect(usage.pending.storage).toEqual(parseAmount("20Gi"));
    expect(describeUsage(usage)).toBe("2 VMs, 1 DataVolume and 1 order not yet applied");
  });

  it("GIVEN the VM of a pending order being admitted THEN that order's VM is not pending any more, and the VM asks for itself", () => {
    const usage = namespaceUsage(state, { virtualMachineNames: new Set(["vm-c"]), dataVolumeNames: new Set() });
    expect(usage.pending.cpu).toBeUndefined();
    expect(usage.pending.storage).toEqual(parseAmount("20Gi"));
    const asked = vmDemand(vm("vm-c", 3, "4Gi", [disk("vm-a-root-disk", "10Gi"), disk("vm-c-data", "1Gi")]), state);
    expect(asked).toMatchObject({ cpu: { units: 3n }, dataVolumes: { units: 1n } });
    expect(asked.storage).toEqual(parseAmount("1Gi"));
  });

  it("GIVEN an order being admitted again (an update) THEN its own children and its pending part are left out", () => {
    const workload = orderWorkload("vm-a", "4");
    const names = workloadNames(workload);
    const usage = namespaceUsage(state, { orderKey: "orders/vm-a", virtualMachineNames: names.virtualMachines, dataVolumeNames: names.dataVolumes });
    expect(usage.counted.cpu).toEqual(amountOfInteger(1));
    expect(usage.counted.storage).toEqual(parseAmount("30Gi"));
  });
});

describe("checking a request against the quotas", () => {
  const state: NamespaceWorkloads = { virtualMachines: new Map([["vm-a", vm("vm-a", 6, "8Gi")]]), dataVolumes: new Map(), orders: [] };

  it("GIVEN 6 of 8 CPUs used and an order for 4 THEN limits.cpu and requests.cpu are exceeded, in the API server's words", () => {
    const asked = demandOfWorkload(orderWorkload("vm-new", "4"));
    const excesses = exceededQuotas([QUOTA], namespaceUsage(state, NOTHING), asked);
    expect(describeExcesses(excesses)).toBe("exceeded quota: vdc-quota, requested: limits.cpu=4,requests.cpu=4, used: limits.cpu=6,requests.cpu=6, limited: limits.cpu=8,requests.cpu=8");
  });

  it("GIVEN an order for 2 THEN it fits exactly", () => {
    expect(exceededQuotas([QUOTA], namespaceUsage(state, NOTHING), demandOfWorkload(orderWorkload("vm-new", "2")))).toEqual([]);
  });

  it("GIVEN status.used larger than the watched VMs (pods that are no VMs) THEN status.used counts", () => {
    const quota = { ...QUOTA, used: { "limits.memory": "13Gi" } };
    const excesses = exceededQuotas([quota], namespaceUsage(state, NOTHING), demandOfWorkload(orderWorkload("vm-new", "1")));
    expect(describeExcesses(excesses)).toBe("exceeded quota: vdc-quota, requested: limits.memory=4Gi, used: limits.memory=13Gi, limited: limits.memory=16Gi");
  });

  it("GIVEN a disabled VDC's zero VM count THEN a new VM is refused and an update of an existing one is not", () => {
    const closed: QuotaView = { name: "vdc-quota", hard: { "count/virtualmachines.kubevirt.io": "0" }, used: {}, scoped: false };
    const asked = vmDemand(vm("vm-b", 1, "1Gi"), state);
    expect(describeExcesses(exceededQuotas([closed], namespaceUsage(state, NOTHING), asked))).toBe(
      "exceeded quota: vdc-quota, requested: count/virtualmachines.kubevirt.io=1, used: count/virtualmachines.kubevirt.io=1, limited: count/virtualmachines.kubevirt.io=0",
    );
    expect(exceededQuotas([closed], namespaceUsage(state, { virtualMachineNames: new Set(["vm-a"]), dataVolumeNames: new Set() }), asked, asked)).toEqual([]);
  });

  it("GIVEN an update that grows memory only, in a namespace over its CPU quota THEN only memory is checked", () => {
    const before = vmDemand(vm("vm-a", 6, "8Gi"), state);
    const after = vmDemand(vm("vm-a", 6, "20Gi"), state);
    const usage = namespaceUsage({ ...state, virtualMachines: new Map([...state.virtualMachines, ["vm-x", vm("vm-x", 9, "1Gi")]]) }, { virtualMachineNames: new Set(["vm-a"]), dataVolumeNames: new Set() });
    expect(exceededQuotas([QUOTA], usage, after, before).map((excess) => excess.resource)).toEqual(["limits.memory"]);
  });

  it("GIVEN a scoped quota, or resources VMs do not take THEN nothing is checked", () => {
    const scoped = { ...QUOTA, scoped: true };
    expect(exceededQuotas([scoped], namespaceUsage(state, NOTHING), demandOfWorkload(orderWorkload("vm-new", "128")))).toEqual([]);
    const podsOnly: QuotaView = { name: "pods", hard: { pods: "0", configmaps: "0" }, used: {}, scoped: false };
    expect(exceededQuotas([podsOnly], namespaceUsage(state, NOTHING), demandOfWorkload(orderWorkload("vm-new", "1")))).toEqual([]);
  });

  it("GIVEN a class-scoped storage quota THEN only disks of that class count", () => {
    const quota: QuotaView = { name: "fast-disks", hard: { "fast.storageclass.storage.k8s.io/requests.storage": "25Gi" }, used: {}, scoped: false };
    const order = (storageClass: string) => {
      const valid = validOrder({ disk_size: "30Gi", storage_class: storageClass }, { name: "vm-new" });
      return demandOfWorkload(builtinOrderWorkload(valid.name, valid.parameters));
    };
    expect(exceededQuotas([quota], namespaceUsage(state, NOTHING), order("slow"))).toEqual([]);
    expect(describeExcesses(exceededQuotas([quota], namespaceUsage(state, NOTHING), order("fast")))).toContain("requested: fast.storageclass.storage.k8s.io/requests.storage=30Gi");
  });
});
