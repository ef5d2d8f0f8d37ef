import type { HubResources } from "../domain/placement/place.ts";

/** One order's claim on a hub. */
export interface HubClaim {
  readonly hub: string;
  readonly vcpus: number;
  readonly memoryBytes: number;
}

/** A claim placed by this process at admission, before the order shows up in the watch. */
export interface HubReservation extends HubClaim {
  /** The keys the order will be observed under (`namespace/name`, `uuid:<uuid>`): the first one that is observed ends the reservation. */
  readonly keys: readonly string[];
}

interface Totals {
  vms: number;
  vcpus: number;
  memoryBytes: number;
}

interface Reserved extends HubClaim {
  readonly keys: readonly string[];
  readonly expiresAtMs: number;
}

export interface AllocationTallyOptions {
  /**
   * How long a reservation counts when its order never shows up (the create failed after the
   * webhook answered, or was denied by a later webhook). @default 60_000
   */
  readonly reservationTtlMs?: number;
  /** Monotonic clock. @default performance.now */
  readonly now?: () => number;
  /** A hub's observed totals changed (an order placed on it was added, changed hub, or went). */
  readonly onHubChanged?: (hub: string) => void;
}

/**
 * What the orders placed on each hub ask for, kept up to date incrementally (never a scan of all
 * orders): `observe` is fed by a watch on the orders, `reserve` by the admission webhook's own
 * placements, so that a burst of creates does not pile onto one hub before the watch shows them.
 * A reservation ends when its order is observed, or after its TTL; reservations expire in the
 * order they were made (one TTL for all), so expiry is amortised O(1).
 */
export class AllocationTally {
  private readonly placed = new Map<string, HubClaim>();
  private readonly observedTotals = new Map<string, Totals>();
  /** Insertion order is expiry order. Keyed by the reservation's first key. */
  private readonly reservations = new Map<string, Reserved>();
  private readonly reservationOfKey = new Map<string, string>();
  private readonly reservedTotals = new Map<string, Totals>();
  /** No reservation expires before this (the head's expiry when last looked at): reads skip the scan until then. */
  private nextExpiryMs = Infinity;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: AllocationTallyOptions = {}) {
    this.ttlMs = options.reservationTtlMs ?? 60_000;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * The order under `key` (`namespace/name`) now claims `claim`, or nothing (deleted, or not
   * placed). `alias` is its other key (`uuid:<uuid>`), under which a reservation may wait.
   */
  observe(key: string, claim: HubClaim | undefined, alias?: string): void {
    this.endReservation(key);
    if (alias !== undefined) this.endReservation(alias);
    const before = this.placed.get(key);
    if (before !== undefined && claim !== undefined && sameClaim(before, claim)) return;
    if (before !== undefined) {
      this.placed.delete(key);
      add(this.observedTotals, before, -1);
      this.options.onHubChanged?.(before.hub);
    }
    if (claim !== undefined) {
      this.placed.set(key, claim);
      add(this.observedTotals, claim, 1);
      if (claim.hub !== before?.hub) this.options.onHubChanged?.(claim.hub);
    }
  }

  /** Counts a placement made at admission until its order is observed or the TTL passes. */
  reserve(reservation: HubReservation): void {
    if (reservation.keys.length === 0) return;
    for (const key of reservation.keys) this.endReservation(key);
    for (const key of reservation.keys) if (this.placed.has(key)) return;
    const id = reservation.keys[0]!;
    const reserved: Reserved = { hub: reservation.hub, vcpus: reservation.vcpus, memoryBytes: reservation.memoryBytes, keys: reservation.keys, expiresAtMs: this.now() + this.ttlMs };
    this.reservations.set(id, reserved);
    if (reserved.expiresAtMs < this.nextExpiryMs) this.nextExpiryMs = reserved.expiresAtMs;
    for (const key of reservation.keys) this.reservationOfKey.set(key, id);
    add(this.reservedTotals, reserved, 1);
  }

  /** Observed orders plus live reservations: what placement must assume is used. */
  allocated(hub: string): HubResources {
    this.expireReservations();
    const observed = this.observedTotals.get(hub);
    const reserved = this.reservedTotals.get(hub);
    return {
      vms: (observed?.vms ?? 0) + (reserved?.vms ?? 0),
      vcpus: (observed?.vcpus ?? 0) + (reserved?.vcpus ?? 0),
      memoryBytes: (observed?.memoryBytes ?? 0) + (reserved?.memoryBytes ?? 0),
    };
  }

  /** Only the orders observed in the watch (what the Hub's status reports). */
  observed(hub: string): { readonly vms: number; readonly vcpus: number; readonly memoryBytes: number } {
    const totals = this.observedTotals.get(hub);
    return { vms: totals?.vms ?? 0, vcpus: totals?.vcpus ?? 0, memoryBytes: totals?.memoryBytes ?? 0 };
  }

  /** The hub an observed order is placed on. */
  hubOf(key: string): string | undefined {
    return this.placed.get(key)?.hub;
  }

  get reservationCount(): number {
    this.expireReservations();
    return this.reservations.size;
  }

  private endReservation(key: string): void {
    const id = this.reservationOfKey.get(key);
    if (id === undefined) return;
    const reserved = this.reservations.get(id);
    if (reserved === undefined) return;
    this.reservations.delete(id);
    for (const other of reserved.keys) this.reservationOfKey.delete(other);
    add(this.reservedTotals, reserved, -1);
  }

  private expireReservations(): void {
    if (this.reservations.size === 0) return;
    const now = this.now();
    if (now < this.nextExpiryMs) return;
    this.nextExpiryMs = Infinity;
    for (const [id, reserved] of this.reservations) {
      if (reserved.expiresAtMs > now) {
        this.nextExpiryMs = reserved.expiresAtMs;
        break;
      }
      this.endReservation(id);
    }
  }
}

function sameClaim(a: HubClaim, b: HubClaim): boolean {
  return a.hub === b.hub && a.vcpus === b.vcpus && a.memoryBytes === b.memoryBytes;
}

function add(totals: Map<string, Totals>, claim: HubClaim, sign: 1 | -1): void {
  let entry = totals.get(claim.hub);
  if (entry === undefined) {
    entry = { vms: 0, vcpus: 0, memoryBytes: 0 };
    totals.set(claim.hub, entry);
  }
  entry.vms += sign;
  entry.vcpus += sign * claim.vcpus;
  entry.memoryBytes += sign * claim.memoryBytes;
  if (entry.vms === 0) totals.delete(claim.hub);
}
