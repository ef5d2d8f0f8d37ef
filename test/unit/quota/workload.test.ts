import { describe, expect, it } from "vitest";
import { formatAmount } from "../../../src/domain/quantity/amount.ts";
import { builtinOrderWorkload, demandOfWorkload, vmPart, workloadOfObjects, type Demand } from "../../../src/domain/quota/index.ts";
import { validOrder } from "../../support/orders.ts";

function shown(demand: Demand): Record<string, string> {
  return Object.fromEntries(Object.entries(demand).map(([key, amount]) => [key, formatAmount(amount, key.startsWith("cpu") ? "cpu" : key.startsWith("memory") || key.startsWith("storage") ? "bytes" : "count")]));
}

function vm(domain: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "vm-a" }, spec: { template: { spec: { domain } }, ...extra } };
}

describe("what a KubeVirt VM takes", () => {
  it.each([
    ["a topology", { cpu: { cores: 2, sockets: 2, threads: 2 }, memory: { guest: "4Gi" } }, "8", "4Gi"],
    ["cores only", { cpu: { cores: 4 }, memory: { guest: "2Gi" } }, "4", "2Gi"],
    ["a CPU limit, rounded up", { resources: { limits: { cpu: "1500m", memory: "3Gi" } } }, "2", "3Gi"],
    ["a CPU request and memory request", { resources: { requests: { cpu: "2", memory: "1Gi" } } }, "2", "1Gi"],
    ["nothing about CPUs", { memory: { guest: "1Gi" } }, "1", "1Gi"],
  ])("GIVEN %s THEN its vCPUs and memory", (_case, domain, cpu, memory) => {
    const part = vmPart(vm(domain))!;
    expect([formatAmount(part.cpu!, "cpu"), formatAmount(part.memory!, "bytes")]).toEqual([cpu, memory]);
    expect(part.unresolved).toEqual([]);
  });

  it("GIVEN an instancetype and no topology or memory THEN both are unresolved, not guessed", () => {
    const part = vmPart(vm({}, { instancetype: { name: "u1.medium" } }))!;
    expect(part.cpu).toBeUndefined();
    expect(part.memory).toBeUndefined();
    expect(part.unresolved).toEqual(["vCPUs (from an instancetype)", "memory (from an instancetype)"]);
  });

  it("GIVEN a common template's VM with a dataVolumeTemplate THEN the disk counts with its class", () => {
    const object = vm(
      { cpu: { sockets: 1, cores: 1, threads: 1 }, memory: { guest: "2Gi" } },
      { dataVolumeTemplates: [{ metadata: { name: "vm-a" }, spec: { storage: { storageClassName: "fast", resources: { requests: { storage: "30Gi" } } } } }] },
    );
    expect(shown(demandOfWorkload(workloadOfObjects([object])))).toEqual({
      cpu: "1",
      dataVolumes: "1",
      memory: "2Gi",
      persistentVolumeClaims: "1",
      "persistentVolumeClaims@fast": "1",
      storage: "30Gi",
      "storage@fast": "30Gi",
      virtualMachines: "1",
    });
  });
});

describe("what a built-in order takes", () => {
  it("GIVEN cpu_cores 4, memory 4Gi, disk 20Gi, a class and an SSH key THEN the role's objects' demand", () => {
    const order = validOrder({ cpu_cores: "4", memory: "4Gi", disk_size: "20Gi", storage_class: "standard", ssh_public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly a@b" }, { name: "vm-q" });
    const workload = builtinOrderWorkload(order.name, order.parameters);
    expect(workload.virtualMachines.map((part) => part.name)).toEqual(["vm-q"]);
    expect(workload.dataVolumes.map((part) => part.name)).toEqual(["vm-q-root-disk"]);
    expect(shown(demandOfWorkload(workload))).toEqual({
      cpu: "4",
      dataVolumes: "1",
      loadBalancers: "1",
      memory: "4Gi",
      persistentVolumeClaims: "1",
      "persistentVolumeClaims@standard": "1",
      secrets: "2",
      services: "1",
      storage: "20Gi",
      "storage@standard": "20Gi",
      virtualMachines: "1",
    });
  });
});
