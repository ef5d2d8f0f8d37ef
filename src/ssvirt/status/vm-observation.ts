import { vmData, type VmData, type VmiDataInput } from "./vm-data.ts";
import { ssvirtVmStatus, type SsvirtVmStatus } from "./vm-status.ts";

/** Labels SSVirt's VM status controller reads on KubeVirt VirtualMachines. */
export const VmLabels = {
  /** The vApp's id (`v_apps.id`): the first way to find the VM's row. */
  vappId: "vapp.ssvirt.io/vapp-id",
  /** The vApp's name: a VM with it (in a VDC namespace) gets a row when it has none. */
  vappName: "vapp.ssvirt",
} as const;

/** Annotation KubeVirt's common templates put on a VM: its operating system. */
export const OS_ANNOTATION = "vm.kubevirt.io/os";

/** A KubeVirt object as JSON (only what is read here). */
export interface KubevirtObject {
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    /** A string on the wire; client-node's type says Date. */
    readonly deletionTimestamp?: string | Date;
  };
  readonly spec?: any;
  readonly status?: any;
}

/** What the status sync writes for one VM, and how it finds the VM's row. */
export interface VmObservation {
  readonly namespace: string;
  readonly name: string;
  /** `vapp.ssvirt.io/vapp-id`, when the VM carries it. */
  readonly vappId: string | undefined;
  /** `vapp.ssvirt`, when the VM carries it. */
  readonly vappName: string | undefined;
  readonly status: SsvirtVmStatus;
  readonly data: VmData;
}

/** The observation of a live VM and its VMI (undefined when the VM does not run). Pure. */
export function observeVm(vm: KubevirtObject, vmi: KubevirtObject | undefined): VmObservation {
  const domain = vm.spec?.template?.spec?.domain;
  return {
    ...identity(vm),
    status: ssvirtVmStatus({
      deletionTimestamp: vm.metadata.deletionTimestamp ? String(vm.metadata.deletionTimestamp) : undefined,
      printableStatus: vm.status?.printableStatus,
      running: vm.spec?.running,
      runStrategy: vm.spec?.runStrategy,
    }),
    data: vmData(vmi?.status as VmiDataInput | undefined, {
      cpu: domain?.cpu,
      memoryGuest: domain?.memory?.guest,
      requestsMemory: domain?.resources?.requests?.memory,
      osAnnotation: vm.metadata.annotations?.[OS_ANNOTATION],
    }),
  };
}

/** The observation of a VM that is gone: `DELETED`, found by the VM's last labels, else by name. Pure. */
export function observeDeletedVm(namespace: string, name: string, lastSeen: KubevirtObject | undefined): VmObservation {
  const known = lastSeen ? identity(lastSeen) : { namespace, name, vappId: undefined, vappName: undefined };
  return { ...known, namespace, name, status: "DELETED", data: {} };
}

function identity(vm: KubevirtObject): Pick<VmObservation, "namespace" | "name" | "vappId" | "vappName"> {
  const labels = vm.metadata.labels ?? {};
  return {
    namespace: vm.metadata.namespace ?? "",
    name: vm.metadata.name ?? "",
    vappId: labels[VmLabels.vappId] || undefined,
    vappName: labels[VmLabels.vappName] || undefined,
  };
}

/** A stable text of an observation: equal texts need no database write. */
export function observationFingerprint(observation: VmObservation): string {
  const { data } = observation;
  return JSON.stringify([observation.vappId ?? null, observation.vappName ?? null, observation.status, data.cpuCount ?? null, data.memoryMb ?? null, data.guestOs ?? null]);
}
