import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { exponentialBackoffMs } from "../../../src/controller/runtime/backoff.ts";
import {
  TerminalError,
  WorkQueue,
  type ReconcileOutcome,
  type ReconcileResult,
  type WorkQueueOptions,
} from "../../../src/controller/runtime/work-queue.ts";

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A handler whose calls stay open until the test settles them; it records every call and the
 * largest number of calls open at once, per key and in total.
 */
class ControlledHandler {
  readonly calls: string[] = [];
  readonly open = new Map<string, Deferred<ReconcileResult>[]>();
  maxOpen = 0;
  maxOpenPerKey = 0;

  readonly handle = (key: string): Promise<ReconcileResult> => {
    this.calls.push(key);
    const d = deferred<ReconcileResult>();
    const list = this.open.get(key) ?? [];
    list.push(d);
    this.open.set(key, list);
    this.maxOpen = Math.max(this.maxOpen, this.openCount());
    this.maxOpenPerKey = Math.max(this.maxOpenPerKey, list.length);
    return d.promise.finally(() => {
      list.splice(list.indexOf(d), 1);
      if (list.length === 0) this.open.delete(key);
    });
  };

  openCount(): number {
    let n = 0;
    for (const l of this.open.values()) n += l.length;
    return n;
  }

  finish(key: string, result: ReconcileResult = undefined): void {
    const d = this.open.get(key)?.[0];
    if (!d) throw new Error(`no open call for ${key}`);
    d.resolve(result);
  }

  fail(key: string, error: unknown): void {
    const d = this.open.get(key)?.[0];
    if (!d) throw new Error(`no open call for ${key}`);
    d.reject(error);
  }

  count(key: string): number {
    return this.calls.filter((k) => k === key).length;
  }
}

/** Lets settled promises run their continuations (no timers involved). */
const settle = () => vi.advanceTimersByTimeAsync(0);

function makeQueue(options: Partial<WorkQueueOptions> = {}) {
  const handler = new ControlledHandler();
  const errors: { key: string; error: unknown; attempt: number; retryInMs: number | undefined }[] = [];
  const done: { key: string; outcome: ReconcileOutcome }[] = [];
  const queue = new WorkQueue(handler.handle, { concurrency: 1, initialBackoffMs: 100, maxBackoffMs: 1_000, ...options }, {
    onError: (key, error, attempt, retryInMs) => errors.push({ key, error, attempt, retryInMs }),
    onDone: (key, _durationMs, outcome) => done.push({ key, outcome }),
  });
  return { handler, queue, errors, done };
}

describe("exponentialBackoffMs", () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [9, 51_200],
    [10, 60_000],
    [1_000, 60_000],
  ])("GIVEN attempt %i WHEN initial 200 ms, cap 60 s THEN waits %i ms", (attempt, expected) => {
    expect(exponentialBackoffMs(attempt, 200, 60_000)).toBe(expected);
  });

  it("rejects attempt 0", () => {
    expect(() => exponentialBackoffMs(0, 200, 60_000)).toThrow(RangeError);
  });
});

describe("WorkQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("rejects a concurrency below 1 and inverted backoff bounds", () => {
    const h = async () => {};
    expect(() => new WorkQueue(h, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => new WorkQueue(h, { concurrency: 1.5 })).toThrow(/concurrency/);
    expect(() => new WorkQueue(h, { concurrency: 1, initialBackoffMs: 500, maxBackoffMs: 100 })).toThrow(/initialBackoffMs/);
  });

  it("GIVEN a key added three times before it starts THEN it is queued and processed once", async () => {
    const { handler, queue, done } = makeQueue();
    queue.add("ns/a");
    queue.add("ns/a");
    queue.add("ns/b");
    queue.add("ns/a");
    expect(queue.depth).toBe(2);
    queue.start();
    await settle();
    handler.finish("ns/a");
    await settle();
    handler.finish("ns/b");
    await settle();
    expect(handler.calls).toEqual(["ns/a", "ns/b"]);
    expect(done).toEqual([
      { key: "ns/a", outcome: "success" },
      { key: "ns/b", outcome: "success" },
    ]);
    expect(queue.depth).toBe(0);
  });

  it("GIVEN a key added while it is processed THEN it runs once more afterwards, never in parallel with itself", async () => {
    const { handler, queue } = makeQueue({ concurrency: 4 });
    queue.start();
    queue.add("ns/a");
    await settle();
    expect(queue.inFlight).toBe(1);
    queue.add("ns/a");
    queue.add("ns/a");
    await settle();
    // Free workers, but the key is in flight: it waits in the dirty set, not in the queue.
    expect(handler.count("ns/a")).toBe(1);
    expect(queue.depth).toBe(0);
    handler.finish("ns/a");
    await settle();
    expect(handler.count("ns/a")).toBe(2);
    handler.finish("ns/a");
    await settle();
    expect(handler.count("ns/a")).toBe(2);
    expect(handler.maxOpenPerKey).toBe(1);
    expect(queue.inFlight).toBe(0);
  });

  it("GIVEN a handler that keeps failing THEN retries back off 100, 200, 400, 800 ms and then stay at the 1 s cap", async () => {
    const { handler, queue, errors, done } = makeQueue();
    queue.start();
    queue.add("ns/a");
    const expected = [100, 200, 400, 800, 1_000, 1_000];
    for (const [i, delay] of expected.entries()) {
      await settle();
      expect(handler.count("ns/a")).toBe(i + 1);
      handler.fail("ns/a", new Error("API server unavailable"));
      await settle();
      expect(errors.at(-1)).toMatchObject({ key: "ns/a", attempt: i + 1, retryInMs: delay });
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(handler.count("ns/a")).toBe(i + 1); // not before the backoff has passed
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(done.every((d) => d.outcome === "retry")).toBe(true);
  });

  it("GIVEN failures followed by a success THEN the next failure backs off from the initial delay again", async () => {
    const { handler, queue, errors } = makeQueue();
    queue.start();
    queue.add("ns/a");
    await settle();
    handler.fail("ns/a", new Error("x"));
    await vi.advanceTimersByTimeAsync(100);
    handler.fail("ns/a", new Error("x"));
    await vi.advanceTimersByTimeAsync(200);
    handler.finish("ns/a");
    await settle();
    queue.add("ns/a");
    await settle();
    handler.fail("ns/a", new Error("x"));
    await settle();
    expect(errors.map((e) => [e.attempt, e.retryInMs])).toEqual([
      [1, 100],
      [2, 200],
      [1, 100],
    ]);
  });

  it("keeps the failure count of each key separate", async () => {
    const { handler, queue, errors } = makeQueue({ concurrency: 2 });
    queue.start();
    queue.add("ns/a");
    await settle();
    handler.fail("ns/a", new Error("x"));
    await vi.advanceTimersByTimeAsync(100);
    handler.fail("ns/a", new Error("x"));
    queue.add("ns/b");
    await settle();
    handler.fail("ns/b", new Error("x"));
    await settle();
    expect(errors.map((e) => [e.key, e.attempt, e.retryInMs])).toEqual([
      ["ns/a", 1, 100],
      ["ns/a", 2, 200],
      ["ns/b", 1, 100],
    ]);
  });

  it("GIVEN a TerminalError THEN the key is reported once and not retried until it is added again", async () => {
    const { handler, queue, errors, done } = makeQueue();
    queue.start();
    queue.add("ns/a");
    await settle();
    const error = new TerminalError("spec.template names no known template");
    handler.fail("ns/a", error);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(handler.count("ns/a")).toBe(1);
    expect(errors).toEqual([{ key: "ns/a", error, attempt: 1, retryInMs: undefined }]);
    expect(done).toEqual([{ key: "ns/a", outcome: "terminal" }]);
    expect(vi.getTimerCount()).toBe(0);
    queue.add("ns/a");
    await settle();
    expect(handler.count("ns/a")).toBe(2);
  });

  it("GIVEN requeueAfterMs THEN the key runs again after that delay, without counting as a failure", async () => {
    const { handler, queue, errors, done } = makeQueue();
    queue.start();
    queue.add("ns/a");
    await settle();
    handler.fail("ns/a", new Error("x"));
    await vi.advanceTimersByTimeAsync(100);
    handler.finish("ns/a", { requeueAfterMs: 5_000 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(handler.count("ns/a")).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(handler.count("ns/a")).toBe(3);
    handler.fail("ns/a", new Error("x"));
    await settle();
    expect(errors.map((e) => e.attempt)).toEqual([1, 1]);
    expect(done.map((d) => d.outcome)).toEqual(["retry", "requeue", "retry"]);
  });

  it("GIVEN a handler that throws synchronously THEN it is retried like a rejection", async () => {
    let calls = 0;
    const queue = new WorkQueue(
      () => {
        calls++;
        throw new Error("boom");
      },
      { concurrency: 1, initialBackoffMs: 100 },
    );
    queue.start();
    queue.add("ns/a");
    await vi.advanceTimersByTimeAsync(100 + 200 + 1);
    expect(calls).toBe(3);
    await queue.shutdown();
  });

  it("GIVEN a pending delayed add THEN a later one does not postpone it and an earlier one advances it", async () => {
    const { handler, queue } = makeQueue();
    queue.start();
    queue.addAfter("ns/a", 1_000);
    queue.addAfter("ns/a", 5_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(handler.count("ns/a")).toBe(1);
    handler.finish("ns/a");
    queue.addAfter("ns/b", 5_000);
    queue.addAfter("ns/b", 500);
    await vi.advanceTimersByTimeAsync(500);
    expect(handler.count("ns/b")).toBe(1);
    handler.finish("ns/b");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(handler.calls).toEqual(["ns/a", "ns/b"]);
  });

  it("GIVEN concurrency 3 and 10 keys THEN at most 3 handlers run at once and all keys are processed", async () => {
    const { handler, queue } = makeQueue({ concurrency: 3 });
    for (let i = 0; i < 10; i++) queue.add(`ns/k${i}`);
    queue.start();
    await settle();
    expect(queue.inFlight).toBe(3);
    expect(queue.depth).toBe(7);
    while (handler.openCount() > 0) {
      handler.finish([...handler.open.keys()][0]!);
      await settle();
    }
    expect(handler.maxOpen).toBe(3);
    expect(new Set(handler.calls).size).toBe(10);
    expect(queue.depth).toBe(0);
    expect(queue.inFlight).toBe(0);
  });

  it("does not process before start()", async () => {
    const { handler, queue } = makeQueue();
    queue.add("ns/a");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(handler.calls).toEqual([]);
    queue.start();
    await settle();
    expect(handler.calls).toEqual(["ns/a"]);
  });

  it("GIVEN handlers in flight WHEN shut down THEN it waits for them, drops queued and delayed keys and ignores new ones", async () => {
    const { handler, queue, done } = makeQueue({ concurrency: 2 });
    queue.start();
    queue.add("ns/a");
    queue.add("ns/b");
    queue.add("ns/c");
    queue.addAfter("ns/d", 1_000);
    await settle();
    let finished = false;
    const shutdown = queue.shutdown().then(() => {
      finished = true;
    });
    queue.add("ns/e");
    queue.addAfter("ns/f", 10);
    expect(vi.getTimerCount()).toBe(0);
    await settle();
    expect(finished).toBe(false);
    handler.finish("ns/a");
    await settle();
    expect(finished).toBe(false);
    handler.fail("ns/b", new Error("x")); // a retry is not scheduled after shutdown
    await shutdown;
    expect(finished).toBe(true);
    expect(handler.calls).toEqual(["ns/a", "ns/b"]);
    expect(done.map((d) => d.key)).toEqual(["ns/a", "ns/b"]);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => queue.start()).toThrow(/shut down/);
  });

  it("resolves shutdown() at once when nothing is in flight", async () => {
    const { queue } = makeQueue();
    queue.start();
    await expect(queue.shutdown()).resolves.toBeUndefined();
  });

  it("reports the handler's duration to onDone with the injected clock", async () => {
    let t = 1_000;
    const durations: number[] = [];
    const handler = new ControlledHandler();
    const queue = new WorkQueue(handler.handle, { concurrency: 1, now: () => t }, { onDone: (_k, ms) => durations.push(ms) });
    queue.start();
    queue.add("ns/a");
    await settle();
    t += 42;
    handler.finish("ns/a");
    await settle();
    expect(durations).toEqual([42]);
  });

  it("property: whatever the order of adds and completions, a key never runs twice at once, the bound holds, and every add is followed by a run that starts after it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.oneof(fc.record({ add: fc.constantFrom("a", "b", "c", "d") }), fc.record({ finish: fc.nat(5) })), { maxLength: 60 }),
        async (concurrency, steps) => {
          const handler = new ControlledHandler();
          let clock = 0;
          const lastAdd = new Map<string, number>();
          const lastStart = new Map<string, number>();
          const queue = new WorkQueue(
            (key) => {
              lastStart.set(key, ++clock);
              return handler.handle(key);
            },
            { concurrency },
          );
          queue.start();
          for (const step of steps) {
            if ("add" in step) {
              lastAdd.set(step.add, ++clock);
              queue.add(step.add);
            } else {
              const keys = [...handler.open.keys()];
              if (keys.length) handler.finish(keys[step.finish % keys.length]!);
            }
            await settle();
            expect(handler.maxOpenPerKey).toBeLessThanOrEqual(1);
            expect(handler.openCount()).toBeLessThanOrEqual(concurrency);
          }
          while (handler.openCount() > 0) {
            handler.finish([...handler.open.keys()][0]!);
            await settle();
          }
          for (const [key, addedAt] of lastAdd) expect(lastStart.get(key)).toBeGreaterThan(addedAt);
          expect(queue.depth).toBe(0);
          expect(queue.inFlight).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
