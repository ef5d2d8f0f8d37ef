// Timing helpers shared by the work queue and the leader elector. Pure: no timers, no clock.

/**
 * Per-failure exponential backoff: `initialMs * 2^(attempt - 1)`, capped at `maxMs`.
 * `attempt` counts failures in a row from 1 (the first retry waits `initialMs`).
 */
export function exponentialBackoffMs(attempt: number, initialMs: number, maxMs: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  // 2^52 is beyond any cap; clamping the exponent keeps 0 * Infinity (NaN) out.
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 52));
}

/**
 * `baseMs` stretched by a random share of up to `maxFactor` of itself (client-go's wait.Jitter):
 * spreads replicas that started together so that they do not poll in lockstep.
 */
export function jitteredMs(baseMs: number, maxFactor: number, random: () => number = Math.random): number {
  return baseMs + random() * maxFactor * baseMs;
}
