// What a hub does to the children the Ansible role creates: KubeVirt's and CDI's webhooks and
// controllers, the API server's defaults and bookkeeping, the service controller. Used by the
// migration tests (unit, e2e and bench) to play those components, as the tests play KubeVirt
// elsewhere: only their observable writes, never an imitation of their logic.
import { randomUUID } from "node:crypto";

type Json = Record<string, any>;

/** The fields KubeVirt's mutating webhook adds to a VirtualMachine on create (kubevirt ≥ 1.6). */
export function withKubeVirtDefaults(vm: Json, options: { firmwareUuid?: string } = {}): Json {
  const copy = structuredClone(vm);
  copy.metadata.annotations = { ...copy.metadata.annotations, "kubevirt.io/latest-observed-api-version": "v1", "kubevirt.io/storage-observed-api-version": "v1" };
  copy.metadata.finalizers = ["kubevirt.io/virtualMachineControllerFinalize"];
  const template = copy.spec.template;
  template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, "kubevirt.io/pci-topology-version": "v3" } };
  template.spec.domain.machine = { type: "q35" };
  template.spec.domain.firmware = { ...template.spec.domain.firmware, uuid: template.spec.domain.firmware?.uuid ?? options.firmwareUuid ?? randomUUID(), serial: randomUUID() };
  return copy;
}

/** The status KubeVirt writes for a running VM. */
export function runningVmStatus(): Json {
  return {
    printableStatus: "Running",
    ready: true,
    created: true,
    conditions: [{ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z") }],
  };
}

/** A VirtualMachineInstance as virt-controller creates it for a running VM. */
export function instanceFor(vm: Json): Json {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachineInstance",
    metadata: {
      name: vm.metadata.name,
      namespace: vm.metadata.namespace,
      labels: { ...vm.spec.template.metadata?.labels },
      ownerReferences: [{ apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name: vm.metadata.name, uid: vm.metadata.uid ?? randomUUID(), controller: true, blockOwnerDeletion: true }],
    },
    spec: { domain: { ...structuredClone(vm.spec.template.spec.domain) } },
  };
}

export function runningInstanceStatus(): Json {
  return { phase: "Running", launcherContainerImageVersion: "quay.io/kubevirt/virt-launcher:v1.6.0", conditions: [{ type: "Ready", status: "True" }, { type: "LiveMigratable", status: "False" }] };
}

/** The status CDI writes once the import finished. */
export function succeededDataVolumeStatus(): Json {
  return { phase: "Succeeded", progress: "100.0%", conditions: [{ type: "Ready", status: "True" }] };
}

/** What the API server adds to any object on create (unit tests: no API server). */
export function withServerBookkeeping(object: Json, manager = "OpenAPI-Generator"): Json {
  const copy = structuredClone(object);
  copy.metadata = {
    ...copy.metadata,
    uid: randomUUID(),
    resourceVersion: "12345",
    generation: 1,
    creationTimestamp: "2026-01-01T00:00:00Z",
    managedFields: [{ manager, operation: "Apply", apiVersion: object.apiVersion, time: "2026-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: {} }],
  };
  if (copy.kind === "Service") {
    copy.spec = {
      ...copy.spec,
      clusterIP: "10.0.0.17",
      clusterIPs: ["10.0.0.17"],
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      externalTrafficPolicy: "Cluster",
      allocateLoadBalancerNodePorts: true,
      ports: copy.spec.ports.map((port: Json, index: number) => ({ ...port, nodePort: 30000 + index })),
    };
    copy.status = { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } };
  }
  return copy;
}
