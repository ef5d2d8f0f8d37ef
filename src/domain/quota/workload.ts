import { childNames } from "../naming.ts";
import { amountOfInteger, ceilingInteger, parseAmount, type Amount } from "../quantity/amount.ts";
import type { VmParameters } from "../templates/vm-parameters.ts";
import { classClaimsKey, classStorageKey, DemandKeys, DemandTally, type Demand } from "./demand.ts";

/** A disk: a CDI DataVolume, or a `dataVolumeTemplates` entry of a VM (which KubeVirt turns into one of that name). */
export interface DiskPart {
  readonly name: string;
  /** Undefined when the object does not say (e.g. a size CDI infers from its source). */
  readonly storage?: Amount;
  readonly storageClass?: string;
}

/** A KubeVirt VirtualMachine: its vCPUs, its memory and the disks it creates. */
export interface VmPart {
  readonly name: string;
  readonly cpu?: Amount;
  readonly memory?: Amount;
  readonly volumeTemplates: readonly DiskPart[];
  /** What the VM object does not say and cannot be counted (an instancetype's vCPUs and memory). */
  readonly unresolved: readonly string[];
}

/** What an order (or one object) puts into a namespace, as quotas see it. */
export interface Workload {
  readonly virtualMachines: readonly VmPart[];
  readonly dataVolumes: readonly DiskPart[];
  readonly services: number;
  readonly loadBalancers: number;
  readonly secrets: number;
}

export const EMPTY_WORKLOAD: Workload = Object.freeze({ virtualMachines: [], dataVolumes: [], services: 0, loadBalancers: 0, secrets: 0 });

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = object(current)?.[key];
  return current;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function isKind(value: unknown, group: string, kind: string): boolean {
  const apiVersion = at(value, "apiVersion");
  return typeof apiVersion === "string" && apiVersion.startsWith(`${group}/`) && at(value, "kind") === kind;
}

/**
 * A VM's vCPUs as KubeVirt counts them: `cores × sockets × threads` of `domain.cpu` (each 1 when
 * unset); without a topology the CPU limit, else the request, rounded up to whole CPUs; else 1.
 * With an instancetype and no topology the count is the instancetype's, which the object does not
 * hold: unresolved.
 */
function vcpus(vm: unknown, unresolved: string[]): Amount | undefined {
  const domain = at(vm, "spec", "template", "spec", "domain");
  const cpu = object(at(domain, "cpu"));
  const topology = ["cores", "sockets", "threads"].map((key) => positiveInteger(cpu?.[key]));
  if (topology.some((count) => count !== undefined)) return amountOfInteger(topology.reduce<number>((product, count) => product * (count ?? 1), 1));
  const explicit = parseAmount(at(domain, "resources", "limits", "cpu")) ?? parseAmount(at(domain, "resources", "requests", "cpu"));
  if (explicit !== undefined) return amountOfInteger(ceilingInteger(explicit));
  if (at(vm, "spec", "instancetype") !== undefined) {
    unresolved.push("vCPUs (from an instancetype)");
    return undefined;
  }
  return amountOfInteger(1);
}

/** The guest memory, else the memory request, else the limit; an instancetype's is unresolved. */
function memory(vm: unknown, unresolved: string[]): Amount | undefined {
  const domain = at(vm, "spec", "template", "spec", "domain");
  const amount =
    parseAmount(at(domain, "memory", "guest")) ?? parseAmount(at(domain, "resources", "requests", "memory")) ?? parseAmount(at(domain, "resources", "limits", "memory"));
  if (amount === undefined && at(vm, "spec", "instancetype") !== undefined) unresolved.push("memory (from an instancetype)");
  return amount;
}

/** The disk of a DataVolume (or a dataVolumeTemplates entry): `spec.storage`, else `spec.pvc`. */
export function diskPart(dataVolume: unknown): DiskPart | undefined {
  const name = at(dataVolume, "metadata", "name");
  if (typeof name !== "string") return undefined;
  const spec = at(dataVolume, "spec");
  const storage = parseAmount(at(spec, "storage", "resources", "requests", "storage")) ?? parseAmount(at(spec, "pvc", "resources", "requests", "storage"));
  const storageClass = at(spec, "storage", "storageClassName") ?? at(spec, "pvc", "storageClassName");
  return { name, ...(storage === undefined ? {} : { storage }), ...(typeof storageClass === "string" && storageClass !== "" ? { storageClass } : {}) };
}

/** A KubeVirt VirtualMachine object as quotas see it; undefined when it has no name. */
export function vmPart(vm: unknown): VmPart | undefined {
  const name = at(vm, "metadata", "name");
  if (typeof name !== "string") return undefined;
  const unresolved: string[] = [];
  const cpu = vcpus(vm, unresolved);
  const guestMemory = memory(vm, unresolved);
  const templates = at(vm, "spec", "dataVolumeTemplates");
  const volumeTemplates = Array.isArray(templates) ? templates.map(diskPart).filter((part): part is DiskPart => part !== undefined) : [];
  return { name, ...(cpu === undefined ? {} : { cpu }), ...(guestMemory === undefined ? {} : { memory: guestMemory }), volumeTemplates, unresolved };
}

export function isVirtualMachine(value: unknown): boolean {
  return isKind(value, "kubevirt.io", "VirtualMachine");
}

export function isDataVolume(value: unknown): boolean {
  return isKind(value, "cdi.kubevirt.io", "DataVolume");
}

/** The workload of a set of objects (an instantiated Template): its VMs, DataVolumes, Services and Secrets. */
export function workloadOfObjects(objects: readonly unknown[]): Workload {
  const virtualMachines: VmPart[] = [];
  const dataVolumes: DiskPart[] = [];
  let services = 0;
  let loadBalancers = 0;
  let secrets = 0;
  for (const item of objects) {
    if (isVirtualMachine(item)) {
      const part = vmPart(item);
      if (part) virtualMachines.push(part);
    } else if (isDataVolume(item)) {
      const part = diskPart(item);
      if (part) dataVolumes.push(part);
    } else if (at(item, "apiVersion") === "v1" && at(item, "kind") === "Service") {
      services++;
      if (at(item, "spec", "type") === "LoadBalancer") loadBalancers++;
    } else if (at(item, "apiVersion") === "v1" && at(item, "kind") === "Secret") {
      secrets++;
    }
  }
  return { virtualMachines, dataVolumes, services, loadBalancers, secrets };
}

/** The built-in template's objects for an order (the role's): one VM, its root disk, a LoadBalancer Service, one or two Secrets. */
export function builtinOrderWorkload(orderName: string, parameters: VmParameters): Workload {
  const names = childNames(orderName);
  const memoryAmount = parseAmount(parameters.memory);
  const diskSize = parseAmount(parameters.diskSize);
  return {
    virtualMachines: [{ name: names.virtualMachine, cpu: amountOfInteger(parameters.cpuCores), ...(memoryAmount ? { memory: memoryAmount } : {}), volumeTemplates: [], unresolved: [] }],
    dataVolumes: [{ name: names.rootDisk, ...(diskSize ? { storage: diskSize } : {}), ...(parameters.storageClass ? { storageClass: parameters.storageClass } : {}) }],
    services: 1,
    loadBalancers: 1,
    secrets: parameters.sshPublicKey ? 2 : 1,
  };
}

/** What one VM's vCPUs and memory take (and one VM of `count/virtualmachines.kubevirt.io`). */
export function addVmCompute(tally: DemandTally, vm: VmPart): void {
  tally.add(DemandKeys.cpu, vm.cpu).add(DemandKeys.memory, vm.memory).add(DemandKeys.virtualMachines, amountOfInteger(1));
}

/** What one disk takes: its storage, one DataVolume and the PersistentVolumeClaim CDI makes for it. */
export function addDisk(tally: DemandTally, disk: DiskPart): void {
  const one = amountOfInteger(1);
  tally.add(DemandKeys.storage, disk.storage).add(DemandKeys.dataVolumes, one).add(DemandKeys.persistentVolumeClaims, one);
  if (disk.storageClass !== undefined) tally.add(classStorageKey(disk.storageClass), disk.storage).add(classClaimsKey(disk.storageClass), one);
}

export function addObjectCounts(tally: DemandTally, workload: Workload): void {
  if (workload.services > 0) tally.add(DemandKeys.services, amountOfInteger(workload.services));
  if (workload.loadBalancers > 0) tally.add(DemandKeys.loadBalancers, amountOfInteger(workload.loadBalancers));
  if (workload.secrets > 0) tally.add(DemandKeys.secrets, amountOfInteger(workload.secrets));
}

/** Everything a workload asks for. */
export function demandOfWorkload(workload: Workload): Demand {
  const tally = new DemandTally();
  for (const vm of workload.virtualMachines) {
    addVmCompute(tally, vm);
    for (const disk of vm.volumeTemplates) addDisk(tally, disk);
  }
  for (const disk of workload.dataVolumes) addDisk(tally, disk);
  addObjectCounts(tally, workload);
  return tally.result();
}

/** Names of the VMs and of the disks (DataVolumes and VM disk templates) a workload creates. */
export function workloadNames(workload: Workload): { virtualMachines: Set<string>; dataVolumes: Set<string> } {
  return {
    virtualMachines: new Set(workload.virtualMachines.map((vm) => vm.name)),
    dataVolumes: new Set([...workload.dataVolumes.map((disk) => disk.name), ...workload.virtualMachines.flatMap((vm) => vm.volumeTemplates.map((disk) => disk.name))]),
  };
}
