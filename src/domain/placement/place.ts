import { createHash } from "node:crypto";
import { formatLabelSelector, selectorMatches, type LabelSelector } from "./label-selector.ts";

/**
 * Where a new order goes (docs/adr/0024-hub-registry-and-placement.md): among the hubs that can take it, the one
 * least loaded relative to its capacity after placing the order; ties are broken by rendezvous
 * hashing of the order's key, so the choice is deterministic and spreads equal hubs evenly. Pure:
 * the caller feeds it a snapshot of its watched hub cache.
 */
export const VIRTUAL_MACHINES_CAPABILITY = "virtualmachines";

/** Amounts per hub; an absent dimension of a capacity is not limited. */
export interface HubResources {
  readonly vms?: number;
  readonly vcpus?: number;
  readonly memoryBytes?: number;
}

export interface HubCandidate {
  readonly id: string;
  readonly capabilities: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly capacity: HubResources;
  /** What the orders already placed on the hub ask for (absent dimensions count as 0). */
  readonly allocated: HubResources;
  readonly cordoned: boolean;
  /** From the hub's probe: reachable, and KubeVirt and CDI served. */
  readonly reachable: boolean;
  /** Why the probe failed, when it did. */
  readonly unreachableReason?: string;
}

export interface PlacementRequest {
  /** The order's stable identity (its uuid label, else namespace/name): the tie-break key. */
  readonly key: string;
  readonly vcpus: number;
  readonly memoryBytes: number;
  /** From the order's hub selector annotation; empty selects every hub. */
  readonly selector: LabelSelector;
}

export interface HubRejection {
  readonly hub: string;
  readonly reason: string;
}

export type PlacementDecision =
  | { readonly placed: true; readonly hub: string; /** Dominant share of capacity after placing, 0–1. */ readonly load: number }
  | { readonly placed: false; readonly rejections: readonly HubRejection[] };

/** Loads closer than this are a tie (they differ only by floating-point noise). */
const LOAD_EPSILON = 1e-9;

export function placeOrder(request: PlacementRequest, hubs: readonly HubCandidate[]): PlacementDecision {
  const rejections: HubRejection[] = [];
  // The rank (a SHA-256) is computed only when two hubs tie.
  let best: { hub: HubCandidate; load: number; rank: bigint | undefined } | undefined;
  for (const hub of hubs) {
    const reason = rejectionReason(request, hub);
    if (reason !== undefined) {
      rejections.push({ hub: hub.id, reason });
      continue;
    }
    const load = loadAfter(request, hub);
    if (best === undefined || load < best.load - LOAD_EPSILON) {
      best = { hub, load, rank: undefined };
    } else if (Math.abs(load - best.load) <= LOAD_EPSILON) {
      best.rank ??= rendezvousRank(request.key, best.hub.id);
      const rank = rendezvousRank(request.key, hub.id);
      if (rank > best.rank || (rank === best.rank && hub.id < best.hub.id)) best = { hub, load, rank };
    }
  }
  if (best === undefined) return { placed: false, rejections: rejections.sort((a, b) => (a.hub < b.hub ? -1 : a.hub > b.hub ? 1 : 0)) };
  return { placed: true, hub: best.hub.id, load: best.load };
}

/** Why a hub cannot take the order, or undefined when it can. The first failing rule is named. */
export function rejectionReason(request: PlacementRequest, hub: HubCandidate): string | undefined {
  return ineligibilityReason(request.selector, hub) ?? roomReason(request, hub);
}

/**
 * The rules other than room: the capability, cordon, reachability and the selector. (An order
 * whose hub is set explicitly is held to these only: see docs/adr/0024-hub-registry-and-placement.md.)
 */
export function ineligibilityReason(selector: LabelSelector, hub: HubCandidate): string | undefined {
  if (!hub.capabilities.includes(VIRTUAL_MACHINES_CAPABILITY)) return `lacks the '${VIRTUAL_MACHINES_CAPABILITY}' capability`;
  if (hub.cordoned) return "is cordoned";
  if (!hub.reachable) return `is not reachable (${hub.unreachableReason ?? "no successful probe yet"})`;
  if (!selectorMatches(selector, hub.labels)) return `does not match the hub selector '${formatLabelSelector(selector)}'`;
  return undefined;
}

function roomReason(request: PlacementRequest, hub: HubCandidate): string | undefined {
  const short: string[] = [];
  const free = (dimension: keyof HubResources) => (hub.capacity[dimension] ?? Infinity) - (hub.allocated[dimension] ?? 0);
  if (free("vms") < 1) short.push(`no VM slot (${hub.allocated.vms ?? 0} of ${hub.capacity.vms} used)`);
  if (free("vcpus") < request.vcpus) short.push(`needs ${request.vcpus} vCPUs, ${Math.max(0, free("vcpus"))} of ${hub.capacity.vcpus} free`);
  if (free("memoryBytes") < request.memoryBytes) {
    short.push(`needs ${formatBytes(request.memoryBytes)} memory, ${formatBytes(Math.max(0, free("memoryBytes")))} of ${formatBytes(hub.capacity.memoryBytes!)} free`);
  }
  return short.length > 0 ? `is full: ${short.join("; ")}` : undefined;
}

/** The largest share of any limited dimension once the order is placed (dominant resource share). */
export function loadAfter(request: PlacementRequest, hub: HubCandidate): number {
  const share = (used: number, capacity: number | undefined) => (capacity === undefined || capacity <= 0 ? 0 : used / capacity);
  return Math.max(
    share((hub.allocated.vms ?? 0) + 1, hub.capacity.vms),
    share((hub.allocated.vcpus ?? 0) + request.vcpus, hub.capacity.vcpus),
    share((hub.allocated.memoryBytes ?? 0) + request.memoryBytes, hub.capacity.memoryBytes),
  );
}

/**
 * Highest-random-weight score of (order, hub): the first 64 bits of SHA-256 of `key NUL hub`.
 * (FNV-1a mixes its last input bytes poorly: hub ids that differ in their last character would get
 * correlated scores and an uneven spread.)
 */
export function rendezvousRank(key: string, hubId: string): bigint {
  return createHash("sha256").update(`${key}\u0000${hubId}`, "utf8").digest().readBigUInt64BE(0);
}

/** One line naming every hub and why it was ruled out, for the admission denial. */
export function formatRejections(rejections: readonly HubRejection[]): string {
  if (rejections.length === 0) return "no hub is registered";
  return rejections.map((rejection) => `hub '${rejection.hub}' ${rejection.reason}`).join("; ");
}

const UNITS = ["Ki", "Mi", "Gi", "Ti", "Pi"] as const;

/** Bytes in the largest binary unit that keeps at least 1 (2147483648 → "2Gi"). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = "";
  for (const next of UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`;
}
