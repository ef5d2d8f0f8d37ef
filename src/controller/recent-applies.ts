/** What `RecentApplies.state` says about an order's last apply of a config version. */
export type ApplyState =
  /** Nothing applied for this version yet (or the last wait ran out): apply. */
  | { readonly kind: "none" }
  /** Applied `ageMs` ago; the children are on their way to the caches for `remainingMs` more. */
  | { readonly kind: "pending"; readonly remainingMs: number }
  /** Applied more than the grace period ago and still not converged. */
  | { readonly kind: "expired" };

/** How long after an apply its children may still be missing from the caches (watch lag). */
export const APPLY_GRACE_MS = 5_000;

/**
 * Which orders had their children applied lately, per order uid and config version. After an
 * apply the watches deliver the children within milliseconds to a few seconds; passes in between
 * would otherwise render and apply everything again and write a `ChildrenMissing` status per
 * child that appears. Only time is read from outside (`now`).
 */
export class RecentApplies {
  private readonly applied = new Map<string, { readonly configVersion: string; readonly atMs: number }>();

  constructor(
    private readonly graceMs = APPLY_GRACE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  record(uid: string, configVersion: string): void {
    this.applied.set(uid, { configVersion, atMs: this.now() });
  }

  state(uid: string, configVersion: string): ApplyState {
    const last = this.applied.get(uid);
    if (!last || last.configVersion !== configVersion) return { kind: "none" };
    const remainingMs = last.atMs + this.graceMs - this.now();
    return remainingMs > 0 ? { kind: "pending", remainingMs: Math.ceil(remainingMs) } : { kind: "expired" };
  }

  forget(uid: string): void {
    this.applied.delete(uid);
  }

  get size(): number {
    return this.applied.size;
  }
}
