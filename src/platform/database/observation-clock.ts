/**
 * The `observedAt` half of the status store's ordering key (ADR 0008): wall-clock time that never
 * goes backwards within a process and never repeats, so two observations of one order made by this
 * process are always strictly ordered even when the system clock steps back or two reconciles
 * start within the same millisecond.
 */
export interface ObservationClock {
  /** Call when starting to read an observation's inputs, before reading the informer caches. */
  now(): Date;
}

export function createObservationClock(wallClockMs: () => number = Date.now): ObservationClock {
  let lastMs = Number.NEGATIVE_INFINITY;
  return {
    now() {
      lastMs = Math.max(wallClockMs(), lastMs + 1);
      return new Date(lastMs);
    },
  };
}
