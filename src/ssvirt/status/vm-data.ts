import { quantityValue } from "./quantity-bytes.ts";

/** What SSVirt keeps of a VM besides its status: `vms.cpu_count`, `memory_mb`, `guest_os`. */
export interface VmData {
  readonly cpuCount?: number;
  readonly memoryMb?: number;
  readonly guestOs?: string;
}

const MEBIBYTE = 1024 * 1024;

/** The parts of a KubeVirt VirtualMachineInstance's status that carry VM data. */
export interface VmiDataInput {
  readonly currentCPUTopology?: { readonly cores?: number; readonly sockets?: number; readonly threads?: number } | undefined;
  readonly memory?: { readonly guestCurrent?: unknown } | undefined;
  readonly guestOSInfo?: { readonly prettyName?: string; readonly name?: string; readonly version?: string; readonly id?: string } | undefined;
}

/** The parts of a KubeVirt VirtualMachine that carry VM data. */
export interface VmSpecDataInput {
  readonly cpu?: { readonly cores?: number; readonly sockets?: number; readonly threads?: number } | undefined;
  readonly memoryGuest?: unknown;
  readonly requestsMemory?: unknown;
  /** Annotation `vm.kubevirt.io/os`. */
  readonly osAnnotation?: string | undefined;
}

/**
 * From the VMI (SSVirt's `extractVMIData`): CPUs = cores × sockets × threads of
 * `currentCPUTopology`; memory = `memory.guestCurrent` in whole MiB; guest OS = prettyName, else
 * "name version", else name, else id.
 */
export function vmiData(status: VmiDataInput): VmData {
  const cpuCount = topologyCount(status.currentCPUTopology);
  const memoryMb = mebibytes(status.memory?.guestCurrent);
  const guestOs = guestOsOf(status.guestOSInfo);
  return { ...(cpuCount ? { cpuCount } : {}), ...(memoryMb ? { memoryMb } : {}), ...(guestOs ? { guestOs } : {}) };
}

/**
 * From the VM spec when there is no VMI (SSVirt's `extractVMSpecData`): `domain.cpu` cores ×
 * sockets × threads, `domain.memory.guest`, annotation `vm.kubevirt.io/os`. Where SSVirt writes
 * values its own schema rejects, this does what KubeVirt does (docs/adr/0023): a topology field
 * left out counts as 1 (SSVirt multiplies by 0 and fails `CHECK (cpu_count > 0)`), and a VM that
 * sets no `memory.guest` has `resources.requests.memory` as guest memory.
 */
export function vmSpecData(spec: VmSpecDataInput): VmData {
  const cpuCount = topologyCount(spec.cpu);
  const memoryMb = mebibytes(spec.memoryGuest) ?? mebibytes(spec.requestsMemory);
  const guestOs = spec.osAnnotation || undefined;
  return { ...(cpuCount ? { cpuCount } : {}), ...(memoryMb ? { memoryMb } : {}), ...(guestOs ? { guestOs } : {}) };
}

/**
 * Each field from the VMI when it has it, else from the VM spec. Fields absent from both are not
 * written (SSVirt's `UpdateVMData` leaves them as they are). Pure.
 */
export function vmData(vmi: VmiDataInput | undefined, spec: VmSpecDataInput): VmData {
  const fromVmi = vmi ? vmiData(vmi) : {};
  return { ...vmSpecData(spec), ...fromVmi };
}

function topologyCount(topology: { readonly cores?: number; readonly sockets?: number; readonly threads?: number } | undefined): number | undefined {
  if (!topology) return undefined;
  const factor = (value: number | undefined) => (typeof value === "number" && Number.isInteger(value) && value > 0 ? value : 1);
  const count = factor(topology.cores) * factor(topology.sockets) * factor(topology.threads);
  return Number.isSafeInteger(count) ? count : undefined;
}

/** Whole MiB, rounded down (SSVirt's integer division); 0 MiB is no value (`CHECK (memory_mb > 0)`). */
function mebibytes(quantity: unknown): number | undefined {
  if (quantity === undefined || quantity === null) return undefined;
  const bytes = quantityValue(quantity);
  if (bytes === undefined) return undefined;
  const value = Math.floor(bytes / MEBIBYTE);
  return value > 0 ? value : undefined;
}

function guestOsOf(info: VmiDataInput["guestOSInfo"]): string | undefined {
  if (!info) return undefined;
  if (info.prettyName) return info.prettyName;
  if (info.name && info.version) return `${info.name} ${info.version}`;
  return info.name || info.id || undefined;
}
