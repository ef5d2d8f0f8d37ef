import type { RawObject } from "../../controller/cache/raw-object.ts";
import { OS_ANNOTATION } from "../status/vm-observation.ts";

/**
 * What the caches keep of each watched object: only what the VM status sync and the VDC
 * namespaces read (controller-runtime's cache transform). Never `managedFields`, never other
 * annotations. Pure; the input is not changed.
 */
function metadataOf(object: RawObject, annotations: readonly string[]): RawObject["metadata"] {
  const { name, namespace, uid, resourceVersion, labels, deletionTimestamp, ownerReferences } = object.metadata;
  const kept: Record<string, string> = {};
  for (const key of annotations) {
    const value = object.metadata.annotations?.[key];
    if (value !== undefined) kept[key] = value;
  }
  return {
    name,
    namespace,
    uid,
    resourceVersion,
    ...(labels ? { labels } : {}),
    ...(deletionTimestamp ? { deletionTimestamp } : {}),
    ...(ownerReferences ? { ownerReferences } : {}),
    ...(Object.keys(kept).length > 0 ? { annotations: kept } : {}),
  };
}

/** KubeVirt VirtualMachine: run intent, CPU and memory of the domain, printableStatus. */
export function slimVirtualMachine(object: RawObject): RawObject {
  if (!object?.metadata) return object;
  const domain = object.spec?.template?.spec?.domain;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: metadataOf(object, [OS_ANNOTATION]),
    spec: {
      ...(object.spec?.running !== undefined ? { running: object.spec.running } : {}),
      ...(object.spec?.runStrategy !== undefined ? { runStrategy: object.spec.runStrategy } : {}),
      template: { spec: { domain: { cpu: domain?.cpu, memory: domain?.memory, resources: { requests: { memory: domain?.resources?.requests?.memory } } } } },
    },
    status: { printableStatus: object.status?.printableStatus },
  };
}

/** KubeVirt VirtualMachineInstance: current topology, guest memory, guest OS. */
export function slimVirtualMachineInstance(object: RawObject): RawObject {
  if (!object?.metadata) return object;
  const status = object.status ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: metadataOf(object, []),
    status: { currentCPUTopology: status.currentCPUTopology, memory: status.memory, guestOSInfo: status.guestOSInfo },
  };
}

/** Service: its type, and for LoadBalancers the port, targetPort and protocol of each port. */
export function slimService(object: RawObject): RawObject {
  if (!object?.metadata) return object;
  const type = object.spec?.type;
  const ports = type === "LoadBalancer" && Array.isArray(object.spec?.ports) ? object.spec.ports.map((port: any) => ({ port: port?.port, targetPort: port?.targetPort, protocol: port?.protocol })) : undefined;
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: metadataOf(object, []), spec: { type, ...(ports ? { ports } : {}) } };
}
