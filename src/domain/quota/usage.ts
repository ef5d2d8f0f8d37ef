import { DemandTally, type Demand } from "./demand.ts";
import { addDisk, addObjectCounts, addVmCompute, type DiskPart, type VmPart, type Workload } from "./workload.ts";

/** What is known about one namespace: its VMs and DataVolumes, and the orders whose objects go there. */
export interface NamespaceWorkloads {
  readonly virtualMachines: ReadonlyMap<string, VmPart>;
  readonly dataVolumes: ReadonlyMap<string, DiskPart>;
  readonly orders: readonly { readonly key: string; readonly workload: Workload }[];
}

/**
 * The object being admitted and the names it stands for: its own earlier version, or an order's
 * children. They are left out of the usage (the request brings them in again, as asked).
 */
export interface Claim {
  /** `<namespace>/<name>` of the order being admitted. */
  readonly orderKey?: string;
  readonly virtualMachineNames: ReadonlySet<string>;
  readonly dataVolumeNames: ReadonlySet<string>;
}

export interface Usage {
  /** The namespace's VMs (vCPUs, memory) and disks, as they are. */
  readonly counted: Demand;
  /** What admitted orders ask for that is not in the namespace yet. */
  readonly pending: Demand;
  readonly virtualMachines: number;
  readonly dataVolumes: number;
  readonly pendingOrders: number;
  /** What could not be counted, e.g. `vm-a: vCPUs (from an instancetype)`. */
  readonly unresolved: readonly string[];
}

/**
 * A namespace's usage from watched state, in VM terms: every VM holds its vCPUs and memory
 * whether it runs or not, every DataVolume (and every disk template not yet made into one) its
 * storage, and every order admitted for the namespace whatever of its VMs and disks does not exist
 * yet. Objects are matched by name, so an order's child that exists is counted once, as itself.
 * Pure.
 */
export function namespaceUsage(state: NamespaceWorkloads, claim: Claim): Usage {
  const counted = new DemandTally();
  const unresolved: string[] = [];
  let virtualMachines = 0;
  let dataVolumes = 0;
  const diskExists = (name: string) => state.dataVolumes.has(name) || claim.dataVolumeNames.has(name);
  const vmExists = (name: string) => state.virtualMachines.has(name) || claim.virtualMachineNames.has(name);

  for (const vm of state.virtualMachines.values()) {
    if (claim.virtualMachineNames.has(vm.name)) continue;
    virtualMachines++;
    addVmCompute(counted, vm);
    for (const item of vm.unresolved) unresolved.push(`${vm.name}: ${item}`);
    for (const disk of vm.volumeTemplates) if (!diskExists(disk.name)) addDisk(counted, disk);
  }
  for (const disk of state.dataVolumes.values()) {
    if (claim.dataVolumeNames.has(disk.name)) continue;
    dataVolumes++;
    addDisk(counted, disk);
  }

  const pending = new DemandTally();
  let pendingOrders = 0;
  for (const { key, workload } of state.orders) {
    if (key === claim.orderKey) continue;
    let missing = false;
    let applied = false;
    for (const vm of workload.virtualMachines) {
      if (vmExists(vm.name)) {
        applied = true;
        continue;
      }
      missing = true;
      addVmCompute(pending, vm);
      for (const disk of vm.volumeTemplates) if (!diskExists(disk.name)) addDisk(pending, disk);
    }
    for (const disk of workload.dataVolumes) {
      if (diskExists(disk.name)) {
        applied = true;
        continue;
      }
      missing = true;
      addDisk(pending, disk);
    }
    // Services and Secrets are not watched: an order none of whose VMs and disks exist has not
    // been applied, so they are pending too; otherwise they are in the quota's status.used.
    if (!applied) addObjectCounts(pending, workload);
    if (missing) pendingOrders++;
  }
  return { counted: counted.result(), pending: pending.result(), virtualMachines, dataVolumes, pendingOrders, unresolved };
}

/** What a VM asks for when admitted: its vCPUs and memory, and the disks of its templates that do not exist yet. */
export function vmDemand(vm: VmPart, state: Pick<NamespaceWorkloads, "dataVolumes">): Demand {
  const tally = new DemandTally();
  addVmCompute(tally, vm);
  for (const disk of vm.volumeTemplates) if (!state.dataVolumes.has(disk.name)) addDisk(tally, disk);
  return tally.result();
}
