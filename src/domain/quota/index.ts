/** Quota at admission: what VMs and orders take from a namespace's ResourceQuotas (docs/adr/0029-quota-at-admission.md). */
export { amountIn, classClaimsKey, classStorageKey, demandKeyOf, DemandKeys, DemandTally, unitOf, type Demand } from "./demand.ts";
export { describeExcesses, describeUsage, exceededQuotas, type QuotaExcess, type QuotaView } from "./check.ts";
export { namespaceUsage, vmDemand, type Claim, type NamespaceWorkloads, type Usage } from "./usage.ts";
export {
  builtinOrderWorkload,
  demandOfWorkload,
  diskPart,
  EMPTY_WORKLOAD,
  isDataVolume,
  isVirtualMachine,
  vmPart,
  workloadNames,
  workloadOfObjects,
  type DiskPart,
  type VmPart,
  type Workload,
} from "./workload.ts";
