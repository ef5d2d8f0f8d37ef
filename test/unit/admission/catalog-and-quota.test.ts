import { describe, expect, it } from "vitest";
import { EMPTY_CATALOG } from "../../../src/domain/catalog-order/index.ts";
import { diskPart, vmPart, type NamespaceWorkloads, type QuotaView, type Workload } from "../../../src/domain/quota/index.ts";
import { mutateOrder, validateOrderAdmission, validateVirtualMachineQuota } from "../../../src/webhook/admission/index.ts";
import type { AdmissionDeps, AdmissionRequest } from "../../../src/webhook/admission/types.ts";
import type { QuotaSource } from "../../../src/webhook/quota/quota-source.ts";
import { catalogOrderDocument, fixtureCatalog } from "../../support/catalog.ts";
import { orderDocument } from "../../support/orders.ts";

const TENANT_NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
const catalog = fixtureCatalog();

/** Quota state held in memory, in the shape the watches give it. */
function quotaSource(namespace: string, quotas: QuotaView[], objects: unknown[] = [], orders: { key: string; workload: Workload }[] = [], synced = true): QuotaSource {
  const state: NamespaceWorkloads = {
    virtualMachines: new Map(objects.filter((o: any) => o.kind === "VirtualMachine").map((o) => [vmPart(o)!.name, vmPart(o)!])),
    dataVolumes: new Map(objects.filter((o: any) => o.kind === "DataVolume").map((o) => [diskPart(o)!.name, diskPart(o)!])),
    orders,
  };
  const empty: NamespaceWorkloads = { virtualMachines: new Map(), dataVolumes: new Map(), orders: [] };
  return { synced, quotas: (ns) => (ns === namespace ? quotas : []), workloads: (ns) => (ns === namespace ? state : empty) };
}

function deps(extra: Partial<AdmissionDeps> = {}): AdmissionDeps {
  return { storageClasses: { defaultClass: () => ({ name: "standard", warnings: [] }), exists: () => true }, managedBy: { defaultMode: "controller" }, catalog: () => catalog, ...extra };
}

const ORDER_KIND = { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" };
const ORDER_RESOURCE = { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" };
const VM_KIND = { group: "kubevirt.io", version: "v1", kind: "VirtualMachine" };
const VM_RESOURCE = { group: "kubevirt.io", version: "v1", resource: "virtualmachines" };

function orderReview(object: unknown, operation: "CREATE" | "UPDATE" = "CREATE", oldObject: unknown = null): AdmissionRequest {
  return { uid: "u-1", kind: ORDER_KIND, resource: ORDER_RESOURCE, operation, namespace: "cloudkit-vm-orders", name: "vm-x7k2q", object, oldObject };
}

function vm(name: string, cores: number, memory: string, dataVolumeTemplates: unknown[] = []) {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name, namespace: TENANT_NS },
    spec: { runStrategy: "Always", dataVolumeTemplates, template: { spec: { domain: { cpu: { cores }, memory: { guest: memory } } } } },
  };
}

function vmReview(object: unknown, operation: "CREATE" | "UPDATE" = "CREATE", oldObject: unknown = null): AdmissionRequest {
  return { uid: "u-2", kind: VM_KIND, resource: VM_RESOURCE, operation, namespace: TENANT_NS, name: (object as any).metadata.name, object, oldObject };
}

const QUOTA: QuotaView = { name: "tenant-quota", hard: { "limits.cpu": "8", "requests.cpu": "8", "requests.memory": "16Gi", "requests.storage": "50Gi" }, used: {}, scoped: false };

describe("the validating webhook and catalog orders", () => {
  it("GIVEN good parameters THEN allowed", () => {
    expect(validateOrderAdmission(orderReview(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" })), deps())).toMatchObject({ allowed: true });
  });

  it("GIVEN an unknown parameter and no required one THEN denied (Invalid), each named", () => {
    const decision = validateOrderAdmission(orderReview(catalogOrderDocument({ cpu_cores: "4" })), deps());
    expect(decision.status).toMatchObject({ code: 422, reason: "Invalid" });
    expect(decision.status!.message).toContain("spec.templateParameters.DATA_SOURCE_NAME: parameter DATA_SOURCE_NAME is required and must be specified");
    expect(decision.status!.message).toContain("spec.templateParameters.cpu_cores: the template has no parameter 'cpu_cores'");
  });

  it("GIVEN a catalog id not in the catalog THEN denied naming the known ones", () => {
    const decision = validateOrderAdmission(orderReview(catalogOrderDocument({}, {}, "openshift.templates.openshift.missing")), deps());
    expect(decision.status!.message).toContain("spec.templateID: unknown template; valid values are 'cloudkit.templates.ocp_virt_vm', 'osac.templates.ocp_virt_vm' and 'osac.massopencloud.ocp_virt_vm', or a catalog template: 'openshift.templates.openshift.tiny_server'");
  });

  it("GIVEN an update that changes only metadata of a catalog order whose Template is gone THEN allowed (nothing of the spec is checked again)", () => {
    const stored = catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" });
    const updated = { ...stored, metadata: { ...stored.metadata, labels: { team: "a" } } };
    expect(validateOrderAdmission(orderReview(updated, "UPDATE", stored), deps({ catalog: () => EMPTY_CATALOG }))).toMatchObject({ allowed: true });
  });
});

describe("who fulfils a catalog order: only the GitOps renderer", () => {
  const MANAGED_BY = "cloudkit.openshift.io/managed-by";

  it("GIVEN a new catalog order without managed-by and a policy of 'aap' THEN the mutating webhook sets 'gitops'; a built-in order gets the policy's", () => {
    const policy = deps({ managedBy: { defaultMode: "aap" } });
    expect(mutateOrder(orderReview(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" })), policy).patch).toContainEqual({ op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1managed-by", value: "gitops" });
    expect(mutateOrder(orderReview(orderDocument({ cpu_cores: "2" })), policy).patch).toContainEqual({ op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1managed-by", value: "aap" });
  });

  it.each(["aap", "controller"])("GIVEN a catalog order managed by '%s' THEN denied, naming the annotation and the one accepted value", (mode) => {
    const decision = validateOrderAdmission(orderReview(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" }, { managedBy: mode })), deps());
    expect(decision.status).toMatchObject({ code: 422, reason: "Invalid" });
    expect(decision.status!.message).toContain(
      `metadata.annotations[${MANAGED_BY}]: must be 'gitops' for an order naming a catalog template: only the GitOps renderer (osac-vm render --templates) instantiates them; the '${mode}' path cannot (got "${mode}")`,
    );
  });

  it("GIVEN a gitops catalog order moved to the controller THEN the update is denied; a metadata-only update is allowed", () => {
    const stored = catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" }, { managedBy: "gitops" });
    const moved = catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" }, { managedBy: "controller" });
    expect(validateOrderAdmission(orderReview(moved, "UPDATE", stored), deps()).allowed).toBe(false);
    const labelled = { ...stored, metadata: { ...stored.metadata, labels: { team: "a" } } };
    expect(validateOrderAdmission(orderReview(labelled, "UPDATE", stored), deps()).allowed).toBe(true);
  });
});

describe("quota at admission: orders", () => {
  it("GIVEN 6 of 8 CPUs used by a VM in the tenant namespace THEN an order for 4 is denied, Forbidden, with the quota, used and requested", () => {
    const source = quotaSource(TENANT_NS, [QUOTA], [vm("vm-old", 6, "4Gi")]);
    const decision = validateOrderAdmission(orderReview(orderDocument({ cpu_cores: "4", storage_class: "standard" })), deps({ quota: source }));
    expect(decision.allowed).toBe(false);
    expect(decision.status).toMatchObject({ code: 403, reason: "Forbidden" });
    expect(decision.status!.message).toBe(
      'VirtualMachine "vm-x7k2q" is forbidden: exceeded quota: tenant-quota, requested: limits.cpu=4,requests.cpu=4, used: limits.cpu=6,requests.cpu=6, limited: limits.cpu=8,requests.cpu=8 ' +
        `(namespace ${TENANT_NS}; requested is the vCPUs, memory and disks of the objects this order makes; used counts 1 VM, 0 DataVolumes and 0 orders not yet applied, or the quota's status.used where larger)`,
    );
  });

  it("GIVEN an order for 2 THEN allowed; and a namespace without quota, or watches not synced yet, never deny (the latter with a warning)", () => {
    const source = quotaSource(TENANT_NS, [QUOTA], [vm("vm-old", 6, "4Gi")]);
    expect(validateOrderAdmission(orderReview(orderDocument({ cpu_cores: "2" })), deps({ quota: source })).allowed).toBe(true);
    expect(validateOrderAdmission(orderReview(orderDocument({ cpu_cores: "64" })), deps({ quota: quotaSource("elsewhere", [QUOTA]) })).allowed).toBe(true);
    const unsynced = validateOrderAdmission(orderReview(orderDocument({ cpu_cores: "64" })), deps({ quota: quotaSource(TENANT_NS, [QUOTA], [], [], false) }));
    expect(unsynced.allowed).toBe(true);
    expect(unsynced.warnings).toContain("quota not checked: the webhook's watches of ResourceQuotas, VMs, DataVolumes and orders have not synced yet");
  });

  it("GIVEN a catalog order whose disk template does not fit THEN denied on requests.storage", () => {
    const source = quotaSource(TENANT_NS, [QUOTA], [vm("vm-old", 1, "1Gi", [{ metadata: { name: "vm-old" }, spec: { storage: { resources: { requests: { storage: "40Gi" } } } } }])]);
    const decision = validateOrderAdmission(orderReview(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" })), deps({ quota: source }));
    expect(decision.status!.message).toContain("exceeded quota: tenant-quota, requested: requests.storage=20Gi, used: requests.storage=40Gi, limited: requests.storage=50Gi");
  });

  it("GIVEN an update of an order already over quota that does not grow THEN allowed; one that grows CPUs THEN denied", () => {
    const source = quotaSource(TENANT_NS, [QUOTA], [vm("vm-x7k2q", 4, "4Gi"), vm("vm-other", 6, "4Gi")]);
    const stored = orderDocument({ cpu_cores: "4", storage_class: "standard" });
    const same = orderDocument({ cpu_cores: "4", storage_class: "standard", exposed_ports: "22/tcp,80/tcp" });
    expect(validateOrderAdmission(orderReview(same, "UPDATE", stored), deps({ quota: source })).allowed).toBe(true);
    const grown = orderDocument({ cpu_cores: "5", storage_class: "standard" });
    expect(validateOrderAdmission(orderReview(grown, "UPDATE", stored), deps({ quota: source })).status!.message).toContain("requested: limits.cpu=5,requests.cpu=5, used: limits.cpu=6,requests.cpu=6");
  });
});

describe("quota at admission: KubeVirt VMs created directly", () => {
  it("GIVEN a VM that does not fit THEN denied, Forbidden, with the numbers", () => {
    const source = quotaSource(TENANT_NS, [QUOTA], [vm("vm-a", 4, "12Gi")]);
    const decision = validateVirtualMachineQuota(vmReview(vm("vm-b", 2, "8Gi")), deps({ quota: source }));
    expect(decision.status).toMatchObject({ code: 403, reason: "Forbidden" });
    expect(decision.status!.message).toContain('VirtualMachine "vm-b" is forbidden: exceeded quota: tenant-quota, requested: requests.memory=8Gi, used: requests.memory=12Gi, limited: requests.memory=16Gi');
  });

  it("GIVEN the VM of a pending order THEN it takes the order's place (not counted twice)", () => {
    const pending = { key: "cloudkit-vm-orders/vm-b", workload: { virtualMachines: [vmPart(vm("vm-b", 4, "4Gi"))!], dataVolumes: [], services: 1, loadBalancers: 1, secrets: 1 } };
    const source = quotaSource(TENANT_NS, [QUOTA], [vm("vm-a", 4, "4Gi")], [pending]);
    expect(validateVirtualMachineQuota(vmReview(vm("vm-b", 4, "4Gi")), deps({ quota: source })).allowed).toBe(true);
    expect(validateVirtualMachineQuota(vmReview(vm("vm-c", 1, "1Gi")), deps({ quota: source })).allowed).toBe(false);
  });

  it("GIVEN KubeVirt's own update of a VM in a namespace over quota THEN allowed; a VM being deleted THEN allowed", () => {
    const source = quotaSource(TENANT_NS, [QUOTA], [vm("vm-a", 12, "4Gi")]);
    const current = vm("vm-a", 12, "4Gi");
    const annotated = { ...current, metadata: { ...current.metadata, annotations: { "kubevirt.io/latest-observed-api-version": "v1" } } };
    expect(validateVirtualMachineQuota(vmReview(annotated, "UPDATE", current), deps({ quota: source })).allowed).toBe(true);
    const deleting = { ...current, metadata: { ...current.metadata, deletionTimestamp: "2025-01-01T00:00:00Z" } };
    expect(validateVirtualMachineQuota(vmReview(deleting, "UPDATE", current), deps({ quota: source })).allowed).toBe(true);
  });

  it("GIVEN a disabled VDC's count/virtualmachines.kubevirt.io: 0 THEN a new VM is denied and restarting an existing one is not", () => {
    const closed: QuotaView = { name: "vdc-quota", hard: { "count/virtualmachines.kubevirt.io": "0", pods: "50" }, used: {}, scoped: false };
    const source = quotaSource(TENANT_NS, [closed], [vm("vm-a", 1, "1Gi")]);
    expect(validateVirtualMachineQuota(vmReview(vm("vm-new", 1, "1Gi")), deps({ quota: source })).status!.message).toContain(
      "exceeded quota: vdc-quota, requested: count/virtualmachines.kubevirt.io=1, used: count/virtualmachines.kubevirt.io=1, limited: count/virtualmachines.kubevirt.io=0",
    );
    const halted = { ...vm("vm-a", 1, "1Gi"), spec: { ...vm("vm-a", 1, "1Gi").spec, runStrategy: "Halted" } };
    expect(validateVirtualMachineQuota(vmReview(vm("vm-a", 1, "1Gi"), "UPDATE", halted), deps({ quota: source })).allowed).toBe(true);
  });

  it("GIVEN an instancetype VM THEN its vCPUs and memory are not guessed, and a warning says so", () => {
    const source = quotaSource(TENANT_NS, [QUOTA]);
    const object = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "vm-i" }, spec: { instancetype: { name: "u1.large" }, template: { spec: { domain: {} } } } };
    const decision = validateVirtualMachineQuota(vmReview(object), deps({ quota: source }));
    expect(decision.allowed).toBe(true);
    expect(decision.warnings).toContain("quota: not counted: vm-i: vCPUs (from an instancetype)");
  });
});
