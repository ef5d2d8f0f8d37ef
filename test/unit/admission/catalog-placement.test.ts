// Catalog orders (ADR 28) and quota at admission (ADR 29) with hub placement on (ADR 24): a catalog
// order is placed by what its Template makes, and the tenant namespace's quotas on this cluster
// are not applied to a VM that lands on a hub.
import { describe, expect, it } from "vitest";
import type { HubCandidate } from "../../../src/domain/placement/place.ts";
import { vmPart, type NamespaceWorkloads, type QuotaView } from "../../../src/domain/quota/index.ts";
import { mutateOrder, validateOrderAdmission } from "../../../src/webhook/admission/index.ts";
import type { AdmissionDeps, AdmissionRequest } from "../../../src/webhook/admission/types.ts";
import type { QuotaSource } from "../../../src/webhook/quota/quota-source.ts";
import { catalogOrderDocument, fixtureCatalog } from "../../support/catalog.ts";

const GiB = 1024 ** 3;
const UUID = "8d1e3c2a-6b7f-4e21-9a0d-3f5b6c7d8e9f";
const TENANT_NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
const catalog = fixtureCatalog();

function hub(id: string, memoryGiB: number): HubCandidate {
  return { id, capabilities: ["virtualmachines"], labels: {}, capacity: { vcpus: 64, memoryBytes: memoryGiB * GiB }, allocated: {}, cordoned: false, reachable: true };
}

const FLEET = [hub("small", 4), hub("large", 64)];

function review(object: unknown): AdmissionRequest {
  return {
    uid: "u-1",
    kind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
    resource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
    operation: "CREATE",
    namespace: "cloudkit-vm-orders",
    name: "vm-x7k2q",
    object,
    oldObject: null,
  };
}

/** Every CPU of the tenant namespace's quota held by one VM: any order for this cluster would be refused. */
function fullQuota(): QuotaSource {
  const quota: QuotaView = { name: "tenant-quota", hard: { "requests.cpu": "2" }, used: {}, scoped: false };
  const held = vmPart({ apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "vm-old" }, spec: { template: { spec: { domain: { cpu: { cores: 2 }, memory: { guest: "1Gi" } } } } } })!;
  const state: NamespaceWorkloads = { virtualMachines: new Map([["vm-old", held]]), dataVolumes: new Map(), orders: [] };
  return { synced: true, quotas: (ns) => (ns === TENANT_NS ? [quota] : []), workloads: () => state };
}

function deps(extra: Partial<AdmissionDeps> = {}): AdmissionDeps {
  return {
    storageClasses: { defaultClass: () => ({ name: "standard", warnings: [] }), exists: () => true },
    managedBy: { defaultMode: "gitops" },
    catalog: () => catalog,
    hubs: { synced: true, candidates: () => FLEET },
    ...extra,
  };
}

describe("hub placement of an order naming a catalog template", () => {
  it("GIVEN the Template's CPU_CORES and MEMORY THEN the order is placed by them (6Gi does not fit the 4Gi hub) and reserved under its uuid", () => {
    const decision = mutateOrder(review(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora", CPU_CORES: "3", MEMORY: "6Gi" }, { uuid: UUID, managedBy: "gitops" })), deps());
    expect(decision.allowed).toBe(true);
    expect(decision.patch).toContainEqual({ op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1hub", value: "large" });
    expect(decision.reservation).toStrictEqual({ hub: "large", keys: ["cloudkit-vm-orders/vm-x7k2q", `uuid:${UUID}`], vcpus: 3, memoryBytes: 6 * GiB });
  });

  it("GIVEN the Template's defaults (1 core, 2Gi) THEN they size the order", () => {
    const decision = mutateOrder(review(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" }, { uuid: UUID, managedBy: "gitops" })), deps());
    expect(decision.reservation).toMatchObject({ vcpus: 1, memoryBytes: 2 * GiB });
  });

  it("GIVEN a catalog order missing a required parameter THEN it is left unplaced, and validation names the parameter, not the hub", () => {
    const document = catalogOrderDocument({}, { uuid: UUID, managedBy: "gitops" });
    expect(mutateOrder(review(document), deps()).patch ?? []).not.toContainEqual(expect.objectContaining({ path: "/metadata/annotations/cloudkit.openshift.io~1hub" }));
    const message = validateOrderAdmission(review(document), deps()).status!.message;
    expect(message).toContain("spec.templateParameters.DATA_SOURCE_NAME: parameter DATA_SOURCE_NAME is required");
    expect(message).not.toContain("cloudkit.openshift.io/hub");
  });
});

describe("quota at admission with hub placement on", () => {
  it("GIVEN a placed order whose tenant namespace here is over quota THEN allowed (the hub's capacity governs); with placement off THEN denied", () => {
    const placed = catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" }, { uuid: UUID, managedBy: "gitops", annotations: { "cloudkit.openshift.io/hub": "large" } });
    expect(validateOrderAdmission(review(placed), deps({ quota: fullQuota() })).allowed).toBe(true);
    const { hubs: _hubs, ...single } = deps({ quota: fullQuota() });
    const local = catalogOrderDocument({ DATA_SOURCE_NAME: "fedora" }, { uuid: UUID, managedBy: "gitops" });
    expect(validateOrderAdmission(review(local), single).status).toMatchObject({ code: 403, reason: "Forbidden" });
  });
});
