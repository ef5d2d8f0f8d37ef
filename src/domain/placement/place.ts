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
  let best: { hub: HubCandidate; load: number; rank: number | undefined } | undefined;
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
  const { capacity, allocated } = hub;
  const freeVms = (capacity.vms ?? Infinity) - (allocated.vms ?? 0);
  const freeVcpus = (capacity.vcpus ?? Infinity) - (allocated.vcpus ?? 0);
  const freeMemory = (capacity.memoryBytes ?? Infinity) - (allocated.memoryBytes ?? 0);
  // The common case, a hub with room, allocates nothing.
  if (freeVms >= 1 && freeVcpus >= request.vcpus && freeMemory >= request.memoryBytes) return undefined;
  const short: string[] = [];
  if (freeVms < 1) short.push(`no VM slot (${allocated.vms ?? 0} of ${capacity.vms} used)`);
  if (freeVcpus < request.vcpus) short.push(`needs ${request.vcpus} vCPUs, ${Math.max(0, freeVcpus)} of ${capacity.vcpus} free`);
  if (freeMemory < request.memoryBytes) {
    short.push(`needs ${formatBytes(request.memoryBytes)} memory, ${formatBytes(Math.max(0, freeMemory))} of ${formatBytes(capacity.memoryBytes!)} free`);
  }
  return `is full: ${short.join("; ")}`;
}

/** The largest share of any limited dimension once the order is placed (dominant resource share). */
export function loadAfter(request: PlacementRequest, hub: HubCandidate): number {
  return Math.max(
    share((hub.allocated.vms ?? 0) + 1, hub.capacity.vms),
    share((hub.allocated.vcpus ?? 0) + request.vcpus, hub.capacity.vcpus),
    share((hub.allocated.memoryBytes ?? 0) + request.memoryBytes, hub.capacity.memoryBytes),
  );
}

/** A module-level function, not a closure per call: tsx's keepNames wraps every closure it creates. */
function share(used: number, capacity: number | undefined): number {
  return capacity === undefined || capacity <= 0 ? 0 : used / capacity;
}

/**
 * Highest-random-weight score of (order, hub), 53 bits: two 32-bit MurmurHash3-style hashes of
 * `key NUL hub` under different seeds, every character mixed through a full round and the result
 * through MurmurHash3's finaliser, so hub ids that differ only in their last character still get
 * independent scores (FNV-1a would correlate them). A SHA-256 per pair cost ~5 µs; this ~0.2 µs,
 * and ties among equal hubs are frequent (every empty hub of one size ties).
 */
export function rendezvousRank(key: string, hubId: string): number {
  return mixedHash(key, hubId, 0x9747b28c) * 0x200000 + (mixedHash(key, hubId, 0x3c6ef372) >>> 11);
}

function mixedHash(key: string, hubId: string, seed: number): number {
  let hash = seed | 0;
  for (let index = 0; index < key.length; index++) hash = mixRound(hash, key.charCodeAt(index));
  hash = mixRound(hash, 0);
  for (let index = 0; index < hubId.length; index++) hash = mixRound(hash, hubId.charCodeAt(index));
  hash ^= key.length * 0x10000 + hubId.length;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function mixRound(hash: number, unit: number): number {
  let k = Math.imul(unit, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
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
