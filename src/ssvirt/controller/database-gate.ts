import type { Logger } from "../../platform/logger.ts";

/**
 * Holds the VM status sync while SSVirt's database is unreachable, so an outage costs one failed
 * write, not one per VM per retry: the first write that fails closes the gate, the keys of writes
 * that could not be made wait here (each VM once; its latest state is read from the caches when it
 * is retried, so nothing is lost), and a single probe retries the database with backoff. When the
 * probe succeeds the gate opens and every waiting key is handed back.
 */
export class DatabaseGate {
  private isOpen = true;
  private readonly waiting = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private stopped = false;

  constructor(
    private readonly deps: {
      readonly probe: () => Promise<void>;
      readonly release: (keys: readonly string[]) => void;
      readonly logger: Logger;
      readonly onChange?: (open: boolean, waiting: number) => void;
      readonly initialDelayMs?: number;
      readonly maxDelayMs?: number;
    },
  ) {
    this.delayMs = deps.initialDelayMs ?? 250;
  }

  get open(): boolean {
    return this.isOpen;
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  /** A write of `key` failed because the database is unreachable (or the gate was closed). */
  hold(key: string, error?: unknown): void {
    this.waiting.add(key);
    if (this.isOpen) {
      this.isOpen = false;
      this.deps.logger.warn({ err: error instanceof Error ? error.message : undefined }, "Lost SSVirt's database; VM status writes wait until it is back");
      this.scheduleProbe();
    }
    this.deps.onChange?.(this.isOpen, this.waiting.size);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.waiting.clear();
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.deps.probe().then(
        () => {
          if (this.stopped) return;
          this.isOpen = true;
          this.delayMs = this.deps.initialDelayMs ?? 250;
          const keys = [...this.waiting];
          this.waiting.clear();
          this.deps.logger.info({ waiting: keys.length }, "Reached SSVirt's database again; writing what waited");
          this.deps.onChange?.(true, 0);
          this.deps.release(keys);
        },
        () => {
          this.delayMs = Math.min(this.delayMs * 2, this.deps.maxDelayMs ?? 5_000);
          this.scheduleProbe();
        },
      );
    }, this.delayMs);
    this.timer.unref();
  }
}
