// A rate-limited work queue with controller-runtime's semantics (client-go workqueue): keys are
// de-duplicated, a key is never processed concurrently with itself, a key added while it is being
// processed runs once more afterwards, failures back off per key, and concurrency is bounded.
import { exponentialBackoffMs } from "./backoff.ts";

export interface WorkQueueOptions {
  /** Handlers running at once (controller-runtime's MaxConcurrentReconciles). */
  readonly concurrency: number;
  /** First retry delay after a thrown error. @default 200 */
  readonly initialBackoffMs?: number;
  /** Retry delay cap. @default 60_000 */
  readonly maxBackoffMs?: number;
  /** Clock for the `durationMs` reported to `onDone`. @default performance.now */
  readonly now?: () => number;
}

/** What a handler returns: nothing (done), or when to look at the key again. */
export type ReconcileResult = { requeueAfterMs?: number } | void;

export type ReconcileOutcome = "success" | "requeue" | "retry" | "terminal";

export interface WorkQueueHooks {
  /**
   * A handler threw. `attempt` counts failures of this key in a row; `retryInMs` is the backoff
   * before the retry, `undefined` for a TerminalError (no retry).
   */
  onError?(key: string, error: unknown, attempt: number, retryInMs: number | undefined): void;
  onDone?(key: string, durationMs: number, outcome: ReconcileOutcome): void;
}

/**
 * Thrown by a handler when retrying cannot help (the input itself is wrong): the queue logs it
 * through `onError` and forgets the key until it is added again.
 */
export class TerminalError extends Error {
  override readonly name = "TerminalError";
}

export type ReconcileHandler = (key: string) => Promise<ReconcileResult>;

/**
 * Semantics (the same as client-go's workqueue under controller-runtime):
 * - `add` of a key that is queued and not started yet is a no-op; a key added while its handler
 *   runs is queued once more when the handler returns (the "dirty" set), never run in parallel.
 * - A thrown error retries the key after `initialBackoffMs * 2^(failures - 1)`, capped at
 *   `maxBackoffMs`; a success, a `requeueAfterMs` result or a TerminalError resets the count.
 * - `requeueAfterMs` re-adds the key after that delay without counting as a failure.
 * - A delayed add that is already pending for a key is kept when it fires earlier than the new
 *   one (client-go's delaying queue); an immediate `add` does not cancel it (reconcilers are
 *   level-based, so the extra pass is harmless and keeps a requested requeue).
 * - `depth` counts keys waiting to start (not those in flight, not pending delayed adds).
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  /** Keys that need a pass: queued, or added while in flight. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { dueAtMs: number; timer: NodeJS.Timeout }>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private started = false;
  private shuttingDown = false;

  constructor(
    private readonly handler: ReconcileHandler,
    private readonly options: WorkQueueOptions,
    private readonly hooks: WorkQueueHooks = {},
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be an integer ≥ 1, got ${options.concurrency}`);
    }
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    if (!(this.initialBackoffMs > 0) || !(this.maxBackoffMs >= this.initialBackoffMs)) {
      throw new RangeError(`need 0 < initialBackoffMs ≤ maxBackoffMs, got ${this.initialBackoffMs} and ${this.maxBackoffMs}`);
    }
    this.now = options.now ?? (() => performance.now());
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.pump();
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    const dueAtMs = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending) {
      if (pending.dueAtMs <= dueAtMs) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { dueAtMs, timer });
  }

  /** Keys waiting to start. */
  get depth(): number {
    return this.queue.length;
  }

  /** Handlers running now. */
  get inFlight(): number {
    return this.processing.size;
  }

  start(): void {
    if (this.shuttingDown) throw new Error("the work queue was shut down and cannot start again");
    this.started = true;
    this.pump();
  }

  /** Takes no new work (queued and delayed keys are dropped) and waits for running handlers. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (!this.started || this.shuttingDown) return;
    while (this.processing.size < this.options.concurrency) {
      const key = this.queue.shift();
      if (key === undefined) return;
      this.dirty.delete(key);
      this.processing.add(key);
      void this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    const startedAt = this.now();
    let outcome: ReconcileOutcome;
    let failure: { error: unknown; attempt: number; retryInMs: number | undefined } | undefined;
    try {
      // A handler that throws synchronously is treated like one that rejects.
      const result = await Promise.resolve().then(() => this.handler(key));
      this.failures.delete(key);
      const after = result ? result.requeueAfterMs : undefined;
      if (after !== undefined) {
        this.addAfter(key, after);
        outcome = "requeue";
      } else {
        outcome = "success";
      }
    } catch (error) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      if (error instanceof TerminalError) {
        this.failures.delete(key);
        failure = { error, attempt, retryInMs: undefined };
        outcome = "terminal";
      } else {
        this.failures.set(key, attempt);
        const retryInMs = exponentialBackoffMs(attempt, this.initialBackoffMs, this.maxBackoffMs);
        this.addAfter(key, retryInMs);
        failure = { error, attempt, retryInMs };
        outcome = "retry";
      }
    }
    this.processing.delete(key);
    if (this.dirty.has(key)) this.queue.push(key);
    if (failure) this.callHook(() => this.hooks.onError?.(key, failure.error, failure.attempt, failure.retryInMs));
    const durationMs = this.now() - startedAt;
    this.callHook(() => this.hooks.onDone?.(key, durationMs, outcome));
    if (this.processing.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.pump();
  }

  /**
   * Hooks run after the queue's own bookkeeping; one that throws is a bug in the caller and is
   * re-thrown on a fresh stack (an uncaught exception) instead of corrupting the queue's state.
   */
  private callHook(call: () => void): void {
    try {
      call();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
