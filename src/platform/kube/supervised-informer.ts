import { ListWatch, Watch, type KubeConfig, type KubernetesObject, type ListPromise } from "@kubernetes/client-node";
import type { Logger } from "../logger.ts";

export interface SupervisedInformerOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  /** API path of the collection, e.g. `/apis/storage.k8s.io/v1/storageclasses`. */
  readonly path: string;
  readonly list: ListPromise<T>;
  readonly labelSelector?: string;
  readonly logger: Logger;
  /** Called after every add, update and delete, and after each (re)list. */
  readonly onChange: () => void;
  /** Called with the object of every add, update and delete (relists included), and which it was. */
  readonly onEvent?: (object: T, verb: "add" | "update" | "delete") => void;
  readonly onRestart?: () => void;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Full relist this often, even without errors (client-node watches can stall silently). */
  readonly relistIntervalMs?: number;
  /**
   * Applied to every object a watch event carries before the cache stores it (e.g. to drop
   * `managedFields`). `list` is expected to return objects already transformed the same way.
   */
  readonly transform?: (object: T) => T;
}

/**
 * A client-node informer that does not stay dead: client-node stops an informer on any error but
 * 410 Gone, so this restarts it with exponential backoff, relists periodically, and reports
 * whether the cache has synced at least once.
 */
export class SupervisedInformer<T extends KubernetesObject> {
  private readonly informer;
  private synced = false;
  private stopped = false;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly relistTimer: NodeJS.Timeout;

  constructor(private readonly options: SupervisedInformerOptions<T>) {
    this.backoffMs = options.initialBackoffMs ?? 500;
    // client-node emits "connect" at the start of every attempt, before listing: only a list that
    // succeeded counts as synced, and only then does the restart backoff start over.
    const list: ListPromise<T> = async () => {
      const result = await options.list();
      // The informer stores the items in the microtasks after this returns; mark synced after them.
      setImmediate(() => {
        this.synced = true;
        this.backoffMs = options.initialBackoffMs ?? 500;
        options.onChange();
      });
      return result;
    };
    const watch = new Watch(options.kubeConfig);
    const transform = options.transform;
    const watcher: Pick<Watch, "watch"> = transform
      ? {
          watch: (path, query, callback, done) =>
            // ERROR and BOOKMARK payloads are not cached objects: they pass through as they are.
            watch.watch(path, query, (phase, object, raw) => callback(phase, phase === "ERROR" || phase === "BOOKMARK" ? object : transform(object), raw), done),
        }
      : watch;
    this.informer = new ListWatch<T>(options.path, watcher as Watch, list, false, options.labelSelector);
    for (const verb of ["add", "update", "delete"] as const) {
      this.informer.on(verb, (object) => {
        options.onEvent?.(object, verb);
        options.onChange();
      });
    }
    // Our own restarts abort the running watch, which client-node reports as an error: that must
    // not schedule yet another restart (it would loop every backoff period).
    this.informer.on("error", (error) => {
      if (isAbort(error)) return;
      this.scheduleRestart(error);
    });
    this.relistTimer = setInterval(() => void this.restartNow("Relisted periodically"), options.relistIntervalMs ?? 300_000);
    this.relistTimer.unref();
  }

  async start(): Promise<void> {
    try {
      await this.informer.start();
    } catch (error) {
      this.scheduleRestart(error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.relistTimer);
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  list(namespace?: string): readonly T[] {
    return this.informer.list(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  private scheduleRestart(error: unknown): void {
    if (this.stopped || this.restartTimer) return;
    this.options.logger.warn({ path: this.options.path, err: describe(error), retryInMs: this.backoffMs }, "Watch failed; restarting");
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restartNow("Restarted watch");
    }, this.backoffMs);
    this.restartTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5_000);
  }

  private async restartNow(message: string): Promise<void> {
    if (this.stopped) return;
    this.options.onRestart?.();
    this.options.logger.debug({ path: this.options.path }, message);
    try {
      await this.informer.stop();
      await this.informer.start();
    } catch (error) {
      this.scheduleRestart(error);
    }
  }
}

function isAbort(error: unknown): boolean {
  const { name, type, message } = (error ?? {}) as { name?: string; type?: string; message?: string };
  return name === "AbortError" || type === "aborted" || /aborted a request/i.test(message ?? "");
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
}
