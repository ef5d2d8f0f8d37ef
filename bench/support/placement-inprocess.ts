/**
 * The in-process parts of the placement benchmark (bench/placement.ts): the placement path the
 * webhook runs per CREATE (a snapshot of the registry from the hub models and the tally, the pure
 * placeOrder, the reservation) with 50 hubs and 100,000 placed orders; what placement adds to the
 * mutating decision; and how many orders move when a hub is added to a full registry.
 */
import { HUB_API_VERSION, type Hub } from "../../src/api/gitops/v1alpha1/hub.ts";
import { parseLabelSelector } from "../../src/domain/placement/label-selector.ts";
import { placeOrder, type HubCandidate } from "../../src/domain/placement/place.ts";
import { AllocationTally } from "../../src/hubs/allocation-tally.ts";
import { hubModel, type HubModel } from "../../src/hubs/hub-model.ts";
import { placementCandidates } from "../../src/hubs/placement-candidates.ts";
import { mutateOrder, validateOrderAdmission } from "../../src/webhook/admission/index.ts";
import type { AdmissionDeps, AdmissionRequest } from "../../src/webhook/admission/types.ts";
import { BENCH_ADMISSION_DEPS } from "./webhook-deps.ts";
import { mutateCreateReview, UID_PLACEHOLDER } from "./webhook-reviews.ts";

const GiB = 1024 ** 3;
const REGIONS = ["eu", "us", "ap", "sa", "af"];

/** A registered, probed Hub object as the watch delivers it. */
export function benchHub(index: number, options: { vcpus: number; reachable?: boolean; cordoned?: boolean; capabilities?: string[] }): Hub {
  const reachable = options.reachable ?? true;
  return {
    apiVersion: HUB_API_VERSION,
    kind: "Hub",
    metadata: { name: `hub-${String(index).padStart(2, "0")}`, generation: 1 },
    spec: {
      capabilities: (options.capabilities ?? ["virtualmachines"]) as Hub["spec"]["capabilities"],
      kubeconfigSecretRef: { name: `hub-${index}-kubeconfig` },
      labels: { region: REGIONS[index % REGIONS.length]!, zone: `z${index % 3}` },
      capacity: { vms: Math.floor(options.vcpus / 2), vcpus: options.vcpus, memory: `${options.vcpus * 4}Gi` },
      ...(options.cordoned ? { cordoned: true } : {}),
    },
    status: {
      conditions: [{ type: "Reachable", status: reachable ? "True" : "False", reason: reachable ? "Probed" : "Unreachable", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }],
    },
  };
}

/** 50 hubs of 8–16k vCPUs, two cordoned, one unreachable, one without the VM capability. */
export function fiftyHubs(): HubModel[] {
  return Array.from({ length: 50 }, (_, index) =>
    hubModel(
      benchHub(index, {
        vcpus: 8192 + (index % 5) * 2048,
        cordoned: index === 7 || index === 23,
        reachable: index !== 31,
        ...(index === 42 ? { capabilities: ["clusters"] } : {}),
      }),
    ),
  );
}

/** Deterministic order shapes: 1, 2, 4 or 8 vCPUs with 2 GiB each; every fifth order has a region selector. */
function orderShape(index: number) {
  const vcpus = [1, 2, 4, 8][index % 4]!;
  const selectorText = index % 5 === 0 ? `region=${REGIONS[(index / 5) % REGIONS.length]}` : "";
  const parsed = parseLabelSelector(selectorText);
  return { key: `uuid-${index}`, vcpus, memoryBytes: vcpus * 2 * GiB, selector: "error" in parsed ? [] : parsed.selector };
}

export interface PlacementCost {
  readonly hubs: number;
  readonly placedOrders: number;
  readonly fillSeconds: number;
  readonly measuredPlacements: number;
  readonly cpuMicrosPerPlacement: number;
  readonly snapshotMicros: number;
  readonly placeMicros: number;
  /** Largest minus smallest load (dominant share) over the eligible hubs after filling. */
  readonly loadSpread: number;
  readonly meanLoad: number;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Fills the tally with 100,000 orders placed one by one (as the watch would show them), then measures placements. */
export function measurePlacementCost(placedOrders = 100_000, measured = 20_000): PlacementCost {
  const hubs = fiftyHubs();
  const tally = new AllocationTally({ reservationTtlMs: 60_000 });
  const started = performance.now();
  for (let index = 0; index < placedOrders; index++) {
    const shape = orderShape(index);
    const decision = placeOrder(shape, placementCandidates(hubs, tally));
    if (!decision.placed) throw new Error(`order ${index} found no hub: the bench registry is too small`);
    tally.observe(`ns/o${index}`, { hub: decision.hub, vcpus: shape.vcpus, memoryBytes: shape.memoryBytes });
  }
  const fillSeconds = (performance.now() - started) / 1000;

  // The webhook's path per CREATE: snapshot, place, reserve.
  const before = cpuMicros();
  for (let index = 0; index < measured; index++) {
    const shape = orderShape(placedOrders + index);
    const decision = placeOrder(shape, placementCandidates(hubs, tally));
    if (decision.placed) tally.reserve({ hub: decision.hub, keys: [`uuid:${shape.key}`], vcpus: shape.vcpus, memoryBytes: shape.memoryBytes });
  }
  const cpuMicrosPerPlacement = (cpuMicros() - before) / measured;
  // Its two halves.
  let snapshot: HubCandidate[] = [];
  const t0 = cpuMicros();
  for (let index = 0; index < measured; index++) snapshot = placementCandidates(hubs, tally);
  const snapshotMicros = (cpuMicros() - t0) / measured;
  const t1 = cpuMicros();
  for (let index = 0; index < measured; index++) placeOrder(orderShape(index), snapshot);
  const placeMicros = (cpuMicros() - t1) / measured;

  const loads = snapshot
    .filter((hub) => hub.reachable && !hub.cordoned && hub.capabilities.includes("virtualmachines"))
    .map((hub) => Math.max((hub.allocated.vcpus ?? 0) / hub.capacity.vcpus!, (hub.allocated.memoryBytes ?? 0) / hub.capacity.memoryBytes!, (hub.allocated.vms ?? 0) / hub.capacity.vms!));
  return {
    hubs: hubs.length,
    placedOrders,
    fillSeconds,
    measuredPlacements: measured,
    cpuMicrosPerPlacement,
    snapshotMicros,
    placeMicros,
    loadSpread: Math.max(...loads) - Math.min(...loads),
    meanLoad: loads.reduce((a, b) => a + b, 0) / loads.length,
  };
}

/** What placement adds to the mutating decision itself (the same review, in-process, hubs on and off). */
export function measureDecisionCost(rounds = 5, perRound = 20_000): { withoutHubs: number[]; withHubs: number[] } {
  const hubs = fiftyHubs();
  const tally = new AllocationTally();
  const review = JSON.parse(mutateCreateReview().replace(UID_PLACEHOLDER, "b3e1c0de-0000-4000-8000-000000000001")) as { request: AdmissionRequest };
  const plain: AdmissionDeps = BENCH_ADMISSION_DEPS;
  const placing: AdmissionDeps = { ...BENCH_ADMISSION_DEPS, hubs: { synced: true, candidates: () => placementCandidates(hubs, tally) } };
  const withoutHubs: number[] = [];
  const withHubs: number[] = [];
  const time = (deps: AdmissionDeps) => {
    const start = cpuMicros();
    for (let index = 0; index < perRound; index++) {
      const decision = mutateOrder(review.request, deps);
      if (decision.reservation) tally.reserve(decision.reservation);
    }
    return (cpuMicros() - start) / perRound;
  };
  time(plain);
  time(placing);
  for (let round = 0; round < rounds; round++) {
    withoutHubs.push(time(plain));
    withHubs.push(time(placing));
  }
  return { withoutHubs, withHubs };
}

export interface MovedOrders {
  readonly hubsBefore: number;
  readonly placed: number;
  readonly deniedWhenFull: boolean;
  /** Stored orders whose hub the webhooks would change on an update after the hub was added (must be 0). */
  readonly movedByWebhooks: number;
  readonly updatesAllowed: number;
  /** The same orders placed again from scratch on the larger registry: how many would land elsewhere without stickiness. */
  readonly movedIfRecomputed: number;
  readonly newOrderHub: string;
}

/** Fills 10 hubs of 64 vCPUs until denied, adds an 11th, and re-evaluates every placed order through both webhooks. */
export function measureMovedOrders(): MovedOrders {
  const build = (count: number) => Array.from({ length: count }, (_, index) => hubModel(benchHub(index, { vcpus: 64 })));
  let hubs = build(10);
  const tally = new AllocationTally();
  const deps = (): AdmissionDeps => ({ ...BENCH_ADMISSION_DEPS, hubs: { synced: true, candidates: () => placementCandidates(hubs, tally) } });
  const stored: { request: AdmissionRequest; object: Record<string, any>; hub: string }[] = [];
  let denied = false;
  for (let index = 0; index < 1_000 && !denied; index++) {
    const object = orderObject(index);
    const request: AdmissionRequest = { uid: `u${index}`, kind: ORDER_GVK, resource: ORDER_GVR, operation: "CREATE", namespace: "orders", name: object.metadata.name, object };
    const decision = mutateOrder(request, deps());
    if (!decision.allowed) {
      denied = true;
      break;
    }
    const hub = decision.patch!.find((operation) => operation.path.endsWith("~1hub"))!.value as string;
    object.metadata.annotations["cloudkit.openshift.io/hub"] = hub;
    tally.observe(`orders/${object.metadata.name}`, { hub, vcpus: 2, memoryBytes: 2 * GiB });
    stored.push({ request, object, hub });
  }
  hubs = build(11);
  let movedByWebhooks = 0;
  let updatesAllowed = 0;
  for (const { object, hub } of stored) {
    const updated = { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, touched: "yes" } } };
    const update: AdmissionRequest = { uid: "x", kind: ORDER_GVK, resource: ORDER_GVR, operation: "UPDATE", namespace: "orders", name: object.metadata.name, object: updated, oldObject: object };
    const mutation = mutateOrder(update, deps());
    if (mutation.patch?.some((operation) => operation.path.endsWith("~1hub") && operation.value !== hub)) movedByWebhooks++;
    if (validateOrderAdmission(update, deps()).allowed) updatesAllowed++;
  }
  const fresh = new AllocationTally();
  let movedIfRecomputed = 0;
  for (const { object, hub } of stored) {
    const decision = placeOrder({ key: object.metadata.labels["cloudkit.openshift.io/virtualmachine-uuid"], vcpus: 2, memoryBytes: 2 * GiB, selector: [] }, placementCandidates(hubs, fresh));
    if (!decision.placed) continue;
    fresh.observe(`orders/${object.metadata.name}`, { hub: decision.hub, vcpus: 2, memoryBytes: 2 * GiB });
    if (decision.hub !== hub) movedIfRecomputed++;
  }
  const next = orderObject(10_000);
  const newOrder = mutateOrder({ uid: "n", kind: ORDER_GVK, resource: ORDER_GVR, operation: "CREATE", namespace: "orders", name: next.metadata.name, object: next }, deps());
  return {
    hubsBefore: 10,
    placed: stored.length,
    deniedWhenFull: denied,
    movedByWebhooks,
    updatesAllowed,
    movedIfRecomputed,
    newOrderHub: String(newOrder.patch?.find((operation) => operation.path.endsWith("~1hub"))?.value ?? "denied"),
  };
}

const ORDER_GVK = { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" };
const ORDER_GVR = { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" };

function orderObject(index: number): Record<string, any> {
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      name: `vm-${index}`,
      namespace: "orders",
      labels: { "cloudkit.openshift.io/virtualmachine-uuid": `00000000-0000-4000-8000-${String(index).padStart(12, "0")}` },
      annotations: { "cloudkit.openshift.io/tenant": "t", "cloudkit.openshift.io/managed-by": "gitops" },
    },
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: '{"cpu_cores":"2","memory":"2Gi","storage_class":"standard"}' },
  };
}
