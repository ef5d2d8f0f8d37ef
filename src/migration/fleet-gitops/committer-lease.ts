import type { PlatformHealth } from "../fleet/platform-health.ts";

/** The Lease `osac-vm committer` replicas compete for (src/gitops/committer/config.ts). */
export const COMMITTER_LEASE_NAME = "osac-vm-committer";

/** Clocks of the committer's node and ours may disagree by this much. */
export const CLOCK_SKEW_ALLOWANCE_MS = 5_000;

/** What Preflight reads of a coordination.k8s.io/v1 Lease. */
export interface LeaseView {
  readonly metadata?: { readonly namespace?: string; readonly name?: string };
  readonly spec?: { readonly holderIdentity?: string; readonly leaseDurationSeconds?: number; readonly renewTime?: string };
}

export type CommitterHealth = { readonly healthy: true; readonly holder: string } | { readonly healthy: false; readonly message: string };

/**
 * Whether a committer is running (ADR 0034): its Lease is held and was renewed within its
 * duration (plus a clock-skew allowance) as of `now`. Otherwise the platform is unhealthy for a
 * gitops FleetMigration (ADR 0035's PlatformUnhealthy, before the plan and before each batch), since
 * nobody would commit the adopted orders. Pure.
 */
export function committerHealth(lease: LeaseView | undefined, where: { namespace: string; name: string }, now: Date): CommitterHealth {
  const lease_ = `Lease ${where.namespace}/${where.name}`;
  const hint = "start the committer (osac-vm committer; the chart's committer.enabled) or name its Lease's namespace with --committer-lease-namespace";
  if (!lease) return { healthy: false, message: `no ${lease_}: no committer has ever run there; ${hint}` };
  const holder = lease.spec?.holderIdentity ?? "";
  if (holder === "") return { healthy: false, message: `${lease_} is held by nobody (released); ${hint}` };
  const renewed = lease.spec?.renewTime ? Date.parse(lease.spec.renewTime) : Number.NaN;
  if (Number.isNaN(renewed)) return { healthy: false, message: `${lease_} (holder ${holder}) has no renewTime; ${hint}` };
  const durationMs = (lease.spec?.leaseDurationSeconds ?? 15) * 1000;
  const ageMs = now.getTime() - renewed;
  if (ageMs > durationMs + CLOCK_SKEW_ALLOWANCE_MS) {
    return { healthy: false, message: `${lease_} (holder ${holder}) was last renewed ${Math.round(ageMs / 1000)} s ago, past its ${durationMs / 1000} s duration: the committer is not running; ${hint}` };
  }
  return { healthy: true, holder };
}

/** The platform's health for a gitops target: the committer is part of it (ADR 0034, ADR 0035). Pure. */
export function withCommitter(platform: PlatformHealth, committer: CommitterHealth): PlatformHealth {
  if (committer.healthy) return { ...platform, evidence: [...platform.evidence, `committer ${committer.holder} holds its Lease`] };
  return { healthy: false, problems: [...(platform.healthy ? [] : platform.problems), `committer unavailable: ${committer.message}`], evidence: platform.evidence };
}
