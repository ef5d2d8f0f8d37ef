/**
 * When the next commit may start (docs/adr/0025-gitops-committer.md). Pure.
 * - A change waits `settleMs` for the changes that come with it (a `kubectl apply` of several
 *   orders), then is committed at once when the committer is idle.
 * - Two commits start at least `windowMs` apart: everything that arrives meanwhile goes into the
 *   next one, so a burst of 1,000 orders becomes a few commits and one order waits at most about
 *   one window.
 * - After a failed push the next attempt waits out the backoff (Git down: one commit with the
 *   whole backlog once it is back).
 */
export interface ScheduleState {
  /** When the oldest pending change arrived; undefined: nothing pending. */
  readonly oldestPendingAtMs: number | undefined;
  /** When the last commit started; undefined: none yet. */
  readonly lastCommitStartedAtMs: number | undefined;
  /** No attempt before this (after a failure). */
  readonly retryNotBeforeMs: number | undefined;
}

export interface ScheduleSettings {
  readonly windowMs: number;
  readonly settleMs: number;
}

/** The time the next commit may start, or undefined when nothing is pending. */
export function nextCommitAtMs(state: ScheduleState, settings: ScheduleSettings): number | undefined {
  if (state.oldestPendingAtMs === undefined) return undefined;
  return Math.max(
    state.oldestPendingAtMs + settings.settleMs,
    state.lastCommitStartedAtMs === undefined ? Number.NEGATIVE_INFINITY : state.lastCommitStartedAtMs + settings.windowMs,
    state.retryNotBeforeMs ?? Number.NEGATIVE_INFINITY,
  );
}

/** The settle time for a window: a tenth of it, at most 100 ms. */
export function settleMsFor(windowMs: number): number {
  return Math.min(100, Math.floor(windowMs / 10));
}
