import { Annotations } from "../api/well-known.ts";
import { childNames } from "../domain/naming.ts";
import type { LiveChild } from "./plan/children.ts";
import type { ClusterCache, RawObject } from "./cluster-cache.ts";
import type { ChildObservation, DataVolumeObservation, ServiceObservation, VirtualMachineInstanceObservation, VirtualMachineObservation } from "./status/order-status.ts";

export interface OrderObservation {
  readonly live: LiveChild[];
  readonly virtualMachine?: VirtualMachineObservation;
  readonly virtualMachineInstance?: VirtualMachineInstanceObservation;
  readonly dataVolume?: DataVolumeObservation;
  readonly service?: ServiceObservation;
}

/** The children an order should have, by kind and name (the role's names). */
export function expectedChildren(orderName: string, hasSshKey: boolean): { apiVersion: string; kind: string; name: string }[] {
  const names = childNames(orderName);
  return [
    { apiVersion: "v1", kind: "Secret", name: names.cloudInitSecret },
    ...(hasSshKey ? [{ apiVersion: "v1", kind: "Secret", name: names.sshKeySecret }] : []),
    { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume", name: names.rootDisk },
    { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name: names.virtualMachine },
    { apiVersion: "v1", kind: "Service", name: names.loadBalancer },
  ];
}

/** Everything the caches hold about one order's children. */
export function observeChildren(cache: ClusterCache, tenantNamespace: string, orderName: string): OrderObservation {
  const names = childNames(orderName);
  const vms = cache.children("virtualMachines", tenantNamespace, orderName);
  const dataVolumes = cache.children("dataVolumes", tenantNamespace, orderName);
  const services = cache.children("services", tenantNamespace, orderName);
  const secrets = cache.children("secrets", tenantNamespace, orderName);
  const vmis = cache.children("virtualMachineInstances", tenantNamespace, orderName);
  const live = [
    ...vms.map((o) => toLive(o, "kubevirt.io/v1", "VirtualMachine")),
    ...dataVolumes.map((o) => toLive(o, "cdi.kubevirt.io/v1beta1", "DataVolume", true)),
    ...services.map((o) => toLive(o, "v1", "Service")),
    ...secrets.map((o) => toLive(o, "v1", "Secret")),
  ];
  const vm = vms.find((o) => o.metadata.name === names.virtualMachine);
  const vmi = vmis.find((o) => o.metadata.name === names.virtualMachine);
  const dataVolume = dataVolumes.find((o) => o.metadata.name === names.rootDisk);
  const service = services.find((o) => o.metadata.name === names.loadBalancer);
  return {
    live,
    ...(vm ? { virtualMachine: (vm.status ?? {}) as VirtualMachineObservation } : {}),
    ...(vmi ? { virtualMachineInstance: (vmi.status ?? {}) as VirtualMachineInstanceObservation } : {}),
    ...(dataVolume ? { dataVolume: (dataVolume.status ?? {}) as DataVolumeObservation } : {}),
    ...(service ? { service: (service.status ?? {}) as ServiceObservation } : {}),
  };
}

export function childObservations(expected: ReturnType<typeof expectedChildren>, live: readonly LiveChild[]): ChildObservation[] {
  return expected.map((child) => {
    const found = live.find((l) => l.apiVersion === child.apiVersion && l.kind === child.kind && l.name === child.name);
    return { kind: child.kind, name: child.name, exists: Boolean(found), ...(found?.configVersion ? { configVersion: found.configVersion } : {}) };
  });
}

function toLive(object: RawObject, apiVersion: string, kind: string, withSpec = false): LiveChild {
  const configVersion = object.metadata.annotations?.[Annotations.configVersion];
  return {
    apiVersion,
    kind,
    namespace: object.metadata.namespace ?? "",
    name: object.metadata.name ?? "",
    ...(configVersion ? { configVersion } : {}),
    deleting: Boolean(object.metadata.deletionTimestamp),
    ...(withSpec ? { spec: object.spec } : {}),
  };
}
