/**
 * SSVirt's `vms.status` for a KubeVirt VirtualMachine (controllers/vmstatus_controller.go
 * `mapVMStatus`, kubevirt.io/api v1.6.0 printableStatus values). `vms.status` is plain text in
 * SSVirt's schema; these are all the values this project writes.
 */
export const SSVIRT_VM_STATUSES = [
  "POWERED_ON",
  "POWERED_OFF",
  "POWERING_ON",
  "POWERING_OFF",
  "SUSPENDED",
  "STARTING",
  "STOPPED",
  "DELETING",
  "ERROR",
  "UNKNOWN",
  "DELETED",
] as const;
export type SsvirtVmStatus = (typeof SSVIRT_VM_STATUSES)[number];

const BY_PRINTABLE_STATUS: Readonly<Record<string, SsvirtVmStatus>> = {
  Running: "POWERED_ON",
  Stopped: "POWERED_OFF",
  Starting: "POWERING_ON",
  Stopping: "POWERING_OFF",
  Terminating: "POWERING_OFF",
  Provisioning: "STARTING",
  WaitingForVolumeBinding: "STARTING",
  WaitingForReceiver: "STARTING",
  Paused: "SUSPENDED",
  // Still running during a live migration.
  Migrating: "POWERED_ON",
  Unknown: "UNKNOWN",
  CrashLoopBackOff: "ERROR",
  ErrorUnschedulable: "ERROR",
  ErrImagePull: "ERROR",
  ImagePullBackOff: "ERROR",
  ErrorPvcNotFound: "ERROR",
  DataVolumeError: "ERROR",
};

/** `spec.runStrategy` values that ask for a running VM (the replacement of the deprecated `spec.running`). */
const RUNNING_STRATEGIES = new Set(["Always", "RerunOnFailure", "Once"]);

export interface VmStatusInput {
  readonly deletionTimestamp?: string | undefined;
  readonly printableStatus?: string | undefined;
  readonly running?: boolean | undefined;
  readonly runStrategy?: string | undefined;
}

/**
 * `DELETING` while the VM has a deletionTimestamp; otherwise the printableStatus table; an empty
 * printableStatus (a VM KubeVirt has not looked at yet) is `STARTING` when the VM asks to run,
 * else `STOPPED`; any other value is `UNKNOWN`. SSVirt reads only `spec.running`; a
 * `spec.runStrategy` of Always, RerunOnFailure or Once also asks to run here (rendered VMs use
 * runStrategy, docs/adr/0023). Pure.
 */
export function ssvirtVmStatus(vm: VmStatusInput): SsvirtVmStatus {
  if (vm.deletionTimestamp) return "DELETING";
  const printable = vm.printableStatus ?? "";
  if (printable === "") return vm.running === true || (vm.runStrategy !== undefined && RUNNING_STRATEGIES.has(vm.runStrategy)) ? "STARTING" : "STOPPED";
  return BY_PRINTABLE_STATUS[printable] ?? "UNKNOWN";
}
