// Placement at admission (docs/adr/0024-hub-registry-and-placement.md): the mutating webhook sets
// cloudkit.openshift.io/hub on CREATE from a snapshot of the registry, the validating webhook keeps
// it immutable. The registry view is the decisions' input (a snapshot), as the watched cache gives it.
import { describe, expect, it } from "vitest";
import type { HubCandidate } from "../../../src/domain/placement/place.ts";
import { mutateOrder, validateOrderAdmission } from "../../../src/webhook/admission/index.ts";
import { applyJsonPatch } from "../../../src/webhook/admission/json-patch.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest } from "../../../src/webhook/admission/types.ts";
import { recordingPlacements } from "../../../src/webhook/hub-registry-source.ts";

const HUB = "cloudkit.openshift.io/hub";
const SELECTOR = "cloudkit.openshift.io/hub-selector";
const UUID = "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11";
const GiB = 1024 ** 3;
type Json = Record<string, any>;

function order(annotations: Record<string, string> = {}, parameters = '{"cpu_cores":"4","memory":"8Gi","storage_class":"standard"}', name?: string): Json {
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      ...(name ? { name } : { generateName: "vm-" }),
      namespace: "orders",
      labels: { "cloudkit.openshift.io/virtualmachine-uuid": UUID },
      annotations: { "cloudkit.openshift.io/tenant": "t", "cloudkit.openshift.io/managed-by": "gitops", ...annotations },
    },
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: parameters },
  };
}

function review(operation: "CREATE" | "UPDATE", object: Json, oldObject?: Json, dryRun = false): AdmissionRequest {
  return {
    uid: "u-1",
    kind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
    resource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
    operation,
    namespace: "orders",
    name: object.metadata.name ?? "",
    object,
    oldObject: oldObject ?? null,
    dryRun,
  };
}

function hub(id: string, overrides: Partial<HubCandidate> = {}): HubCandidate {
  return { id, capabilities: ["virtualmachines"], labels: {}, capacity: { vcpus: 64, memoryBytes: 256 * GiB }, allocated: {}, cordoned: false, reachable: true, ...overrides };
}

function deps(hubs?: readonly HubCandidate[], synced = true): AdmissionDeps {
  return {
    storageClasses: { defaultClass: () => ({ name: "standard", warnings: [] }), exists: () => true },
    managedBy: { defaultMode: "aap" },
    ...(hubs ? { hubs: { synced, candidates: () => hubs } } : {}),
  };
}

const FLEET = [
  hub("eu-big", { labels: { region: "eu" }, capacity: { vcpus: 128, memoryBytes: 512 * GiB }, allocated: { vcpus: 64, memoryBytes: 64 * GiB } }),
  hub("eu-small", { labels: { region: "eu" }, capacity: { vcpus: 32, memoryBytes: 64 * GiB }, allocated: { vcpus: 4, memoryBytes: 8 * GiB } }),
  hub("us", { labels: { region: "us" }, capacity: { vcpus: 64, memoryBytes: 256 * GiB }, allocated: { vcpus: 60, memoryBytes: 8 * GiB } }),
  hub("no-kubevirt", { reachable: false, unreachableReason: "KubeVirtNotServed: kubevirt.io/v1 virtualmachines is not served" }),
];

function placedOn(decision: AdmissionDecision): unknown {
  return decision.patch?.find((operation) => operation.path === "/metadata/annotations/cloudkit.openshift.io~1hub")?.value;
}

function annotations(object: unknown): Json {
  return (object as Json).metadata.annotations;
}

describe("mutating webhook: placement on CREATE", () => {
  it("GIVEN no hub registry (single-cluster mode) THEN nothing about hubs is added", () => {
    const decision = mutateOrder(review("CREATE", order()), deps());
    expect(decision).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN a fleet THEN the least loaded hub that fits is set, with a reservation under the order's uuid", () => {
    const decision = mutateOrder(review("CREATE", order()), deps(FLEET));
    expect(decision.patch).toStrictEqual([{ op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1hub", value: "eu-small" }]);
    expect(decision.reservation).toStrictEqual({ hub: "eu-small", keys: [`uuid:${UUID}`], vcpus: 4, memoryBytes: 8 * GiB });
    const placed = applyJsonPatch(review("CREATE", order()).object, decision.patch!);
    expect(annotations(placed)[HUB]).toBe("eu-small");
    // Re-invoked (reinvocationPolicy IfNeeded): the hub is set, nothing changes; it is reserved again under the same keys.
    const again = mutateOrder(review("CREATE", placed as Json), deps(FLEET));
    expect(again.patch).toBeUndefined();
    expect(again.reservation?.hub).toBe("eu-small");
  });

  it("GIVEN a named order THEN it is reserved under namespace/name and its uuid", () => {
    const decision = mutateOrder(review("CREATE", order({}, undefined, "vm-a")), deps(FLEET));
    expect(decision.reservation?.keys).toStrictEqual(["orders/vm-a", `uuid:${UUID}`]);
  });

  it("GIVEN a hub selector THEN only matching hubs are considered", () => {
    const decision = mutateOrder(review("CREATE", order({ [SELECTOR]: "region=us" }, '{"cpu_cores":2}')), deps(FLEET));
    expect(placedOn(decision)).toBe("us");
  });

  it("GIVEN an order without annotations THEN managed-by and the hub land in one annotations map", () => {
    const object = order();
    delete object.metadata.annotations;
    const decision = mutateOrder(review("CREATE", object), deps(FLEET));
    const result = applyJsonPatch(object, decision.patch!);
    expect(annotations(result)).toStrictEqual({ "cloudkit.openshift.io/managed-by": "aap", [HUB]: "eu-small" });
  });

  it("GIVEN no hub fits THEN the order is denied as Invalid (422) with every hub and why", () => {
    const decision = mutateOrder(review("CREATE", order({ [SELECTOR]: "region=us" }, '{"cpu_cores":"16","memory":"8Gi"}')), deps(FLEET));
    expect(decision.allowed).toBe(false);
    expect(decision.status).toStrictEqual({
      code: 422,
      reason: "Invalid",
      message:
        'VirtualMachine "vm-" is invalid: metadata.annotations[cloudkit.openshift.io/hub]: no hub can take the order (it needs 16 vCPUs and 8Gi of memory): ' +
        "hub 'eu-big' does not match the hub selector 'region=us'; " +
        "hub 'eu-small' does not match the hub selector 'region=us'; " +
        "hub 'no-kubevirt' is not reachable (KubeVirtNotServed: kubevirt.io/v1 virtualmachines is not served); " +
        "hub 'us' is full: needs 16 vCPUs, 4 of 64 free",
    });
    expect(decision.reservation).toBeUndefined();
  });

  it("GIVEN no hub registered THEN the denial says so", () => {
    const decision = mutateOrder(review("CREATE", order()), deps([]));
    expect(decision.status?.message).toContain("no hub can take the order (it needs 4 vCPUs and 8Gi of memory): no hub is registered");
  });

  it("GIVEN the registry's watches have not synced THEN the order is refused as unavailable, to be retried", () => {
    const decision = mutateOrder(review("CREATE", order()), deps(FLEET, false));
    expect(decision.allowed).toBe(false);
    expect(decision.status).toMatchObject({ code: 503, reason: "ServiceUnavailable" });
  });

  it("GIVEN parameters that cannot be read or a selector that does not parse THEN nothing is placed (validation denies it)", () => {
    const unreadable = mutateOrder(review("CREATE", order({}, '{"cpu_cores":"0"}')), deps(FLEET));
    expect(unreadable.allowed).toBe(true);
    expect(placedOn(unreadable)).toBeUndefined();
    expect(mutateOrder(review("CREATE", order({ [SELECTOR]: "region in ()" })), deps(FLEET)).patch).toBeUndefined();
  });

  it("GIVEN the hub set by the client THEN it is kept and reserved (validation checks it)", () => {
    const decision = mutateOrder(review("CREATE", order({ [HUB]: "us" })), deps(FLEET));
    expect(decision.patch).toBeUndefined();
    expect(decision.reservation?.hub).toBe("us");
  });
});

describe("recorded placements", () => {
  it("GIVEN a dry run THEN nothing is reserved; GIVEN a real create THEN the placement is", () => {
    const reserved: string[] = [];
    const handle = recordingPlacements((request) => mutateOrder(request, deps(FLEET)), { reserve: (reservation) => reserved.push(reservation.hub) });
    const dry: AdmissionDecision = handle(review("CREATE", order(), undefined, true));
    expect(placedOn(dry)).toBe("eu-small");
    expect(reserved).toEqual([]);
    handle(review("CREATE", order()));
    expect(reserved).toEqual(["eu-small"]);
  });
});

describe("mutating webhook: UPDATE", () => {
  it("GIVEN a client that dropped the hub and its selector THEN both are put back", () => {
    const stored = order({ [HUB]: "us", [SELECTOR]: "region=us" }, undefined, "vm-a");
    const decision = mutateOrder(review("UPDATE", order({}, undefined, "vm-a"), stored), deps());
    const result = applyJsonPatch(order({}, undefined, "vm-a"), decision.patch!);
    expect(annotations(result)[HUB]).toBe("us");
    expect(annotations(result)[SELECTOR]).toBe("region=us");
  });
});

describe("validating webhook", () => {
  const valid = (request: AdmissionRequest, dependencies: AdmissionDeps) => validateOrderAdmission(request, dependencies);

  it("GIVEN single-cluster mode and a hub set by hand THEN allowed, with a warning that it is not checked", () => {
    const decision = valid(review("CREATE", order({ [HUB]: "anything" }, undefined, "vm-a")), deps());
    expect(decision.allowed).toBe(true);
    expect(decision.warnings).toContain("metadata.annotations[cloudkit.openshift.io/hub]: hub placement is off here; 'anything' is not checked");
  });

  it.each([
    ["no hub set", {}, "metadata.annotations[cloudkit.openshift.io/hub]: is not set, but hub placement is on"],
    ["an unregistered hub", { [HUB]: "mars" }, 'names no registered hub; registered: eu-big, eu-small, us, no-kubevirt (got "mars")'],
    ["an unreachable hub", { [HUB]: "no-kubevirt" }, "cannot take new orders: hub 'no-kubevirt' is not reachable"],
    ["a hub outside the selector", { [HUB]: "us", [SELECTOR]: "region=eu" }, "cannot take new orders: hub 'us' does not match the hub selector 'region=eu'"],
    ["a hub name that is not one", { [HUB]: "Hub_1" }, "must be a Hub name"],
    ["a selector that does not parse", { [HUB]: "us", [SELECTOR]: "region in ()" }, "metadata.annotations[cloudkit.openshift.io/hub-selector]: must be a Kubernetes label selector"],
  ])("GIVEN hub placement on and %s THEN the CREATE is denied", (_what, extra, message) => {
    const decision = valid(review("CREATE", order(extra, undefined, "vm-a")), deps(FLEET));
    expect(decision.allowed).toBe(false);
    expect(decision.status?.code).toBe(422);
    expect(decision.status?.message).toContain(message);
  });

  it("GIVEN a full hub set explicitly THEN room is not held against it (the mutating webhook counted the order already)", () => {
    const full = [hub("full", { capacity: { vms: 1, vcpus: 4, memoryBytes: 8 * GiB }, allocated: { vms: 1, vcpus: 4, memoryBytes: 8 * GiB } })];
    expect(valid(review("CREATE", order({ [HUB]: "full" }, undefined, "vm-a")), deps(full)).allowed).toBe(true);
  });

  it("GIVEN an invalid order THEN only its own errors are listed, not the missing hub", () => {
    const decision = valid(review("CREATE", order({}, '{"cpu_cores":"0"}', "vm-a")), deps(FLEET));
    expect(decision.status?.message).toContain("cpu_cores");
    expect(decision.status?.message).not.toContain("is not set, but hub placement is on");
  });

  it.each([
    ["changed", { [HUB]: "eu-big" }, 'is immutable: the order was placed on hub "us"; an order never moves: re-create it to place it elsewhere (got "eu-big")'],
    ["removed", {}, 'is immutable: the order was placed on hub "us"'],
  ])("GIVEN a placed order whose hub is %s THEN the UPDATE is denied, with or without hub placement", (_what, extra, message) => {
    const stored = order({ [HUB]: "us" }, undefined, "vm-a");
    for (const dependencies of [deps(), deps(FLEET)]) {
      const decision = valid(review("UPDATE", order(extra, undefined, "vm-a"), stored), dependencies);
      expect(decision.allowed).toBe(false);
      expect(decision.status?.message).toContain(`metadata.annotations[cloudkit.openshift.io/hub]: ${message}`);
    }
  });

  it("GIVEN a placed order whose selector changes THEN the UPDATE is denied; other updates pass", () => {
    const stored = order({ [HUB]: "us", [SELECTOR]: "region=us" }, undefined, "vm-a");
    expect(valid(review("UPDATE", order({ [HUB]: "us", [SELECTOR]: "region=eu" }, undefined, "vm-a"), stored), deps(FLEET)).status?.message).toContain(
      "hub-selector]: is immutable once the order is placed",
    );
    expect(valid(review("UPDATE", order({ [HUB]: "us", [SELECTOR]: "region=us", note: "x" }, undefined, "vm-a"), stored), deps(FLEET)).allowed).toBe(true);
  });

  it("GIVEN an order from single-cluster mode THEN it may get a registered hub once, not an unknown one", () => {
    const stored = order({}, undefined, "vm-a");
    expect(valid(review("UPDATE", order({ [HUB]: "eu-big" }, undefined, "vm-a"), stored), deps(FLEET)).allowed).toBe(true);
    expect(valid(review("UPDATE", order({ [HUB]: "mars" }, undefined, "vm-a"), stored), deps(FLEET)).status?.message).toContain("names no registered hub");
  });
});
