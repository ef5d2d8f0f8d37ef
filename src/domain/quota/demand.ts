import { addAmounts, ZERO, type Amount, type AmountUnit } from "../quantity/amount.ts";

/**
 * What a VM, a disk or an order takes from its namespace's ResourceQuotas, by demand key: `cpu`
 * (vCPUs, as whole CPUs), `memory` and `storage` (bytes), and object counts. Storage and
 * PersistentVolumeClaims are also kept per StorageClass (`storage@<class>`) for class-scoped
 * quotas. A key that is absent is zero.
 */
export type Demand = Readonly<Record<string, Amount>>;

export const DemandKeys = {
  cpu: "cpu",
  memory: "memory",
  storage: "storage",
  virtualMachines: "virtualMachines",
  dataVolumes: "dataVolumes",
  persistentVolumeClaims: "persistentVolumeClaims",
  services: "services",
  loadBalancers: "loadBalancers",
  secrets: "secrets",
} as const;

export function classStorageKey(storageClass: string): string {
  return `${DemandKeys.storage}@${storageClass}`;
}

export function classClaimsKey(storageClass: string): string {
  return `${DemandKeys.persistentVolumeClaims}@${storageClass}`;
}

/** The resources of a ResourceQuota's `spec.hard` a VM or an order is measured against, by their demand key. */
const QUOTA_RESOURCES: Readonly<Record<string, string>> = {
  cpu: DemandKeys.cpu,
  "requests.cpu": DemandKeys.cpu,
  "limits.cpu": DemandKeys.cpu,
  memory: DemandKeys.memory,
  "requests.memory": DemandKeys.memory,
  "limits.memory": DemandKeys.memory,
  "requests.storage": DemandKeys.storage,
  persistentvolumeclaims: DemandKeys.persistentVolumeClaims,
  "count/persistentvolumeclaims": DemandKeys.persistentVolumeClaims,
  "count/virtualmachines.kubevirt.io": DemandKeys.virtualMachines,
  "count/datavolumes.cdi.kubevirt.io": DemandKeys.dataVolumes,
  services: DemandKeys.services,
  "count/services": DemandKeys.services,
  "services.loadbalancers": DemandKeys.loadBalancers,
  secrets: DemandKeys.secrets,
  "count/secrets": DemandKeys.secrets,
};

const CLASS_RESOURCE = /^(.+)\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/;

/** The demand key a quota resource constrains, or undefined for resources VMs and orders do not take (pods, configmaps, …). */
export function demandKeyOf(resource: string): string | undefined {
  const key = QUOTA_RESOURCES[resource];
  if (key !== undefined) return key;
  const scoped = CLASS_RESOURCE.exec(resource);
  if (!scoped) return undefined;
  return scoped[2] === "requests.storage" ? classStorageKey(scoped[1]!) : classClaimsKey(scoped[1]!);
}

export function unitOf(resource: string): AmountUnit {
  if (resource.endsWith("cpu")) return "cpu";
  if (resource.endsWith("memory") || resource.endsWith("storage")) return "bytes";
  return "count";
}

export function amountIn(demand: Demand, key: string): Amount {
  return demand[key] ?? ZERO;
}

/** A demand being summed up. */
export class DemandTally {
  private readonly amounts = new Map<string, Amount>();

  add(key: string, amount: Amount | undefined): this {
    if (amount !== undefined) this.amounts.set(key, addAmounts(this.amounts.get(key) ?? ZERO, amount));
    return this;
  }

  addDemand(demand: Demand): this {
    for (const [key, amount] of Object.entries(demand)) this.add(key, amount);
    return this;
  }

  result(): Demand {
    return Object.fromEntries([...this.amounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
