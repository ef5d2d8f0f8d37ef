import type { Logger } from "../platform/logger.ts";
import type { StatusStore, VmStateRow } from "../platform/database/index.ts";
import { WrittenRows } from "./written-rows.ts";

type Pending = { readonly kind: "row"; readonly row: VmStateRow } | { readonly kind: "deleted"; readonly orderUid: string; readonly resourceVersion: string; readonly at: Date };

/**
 * Writes the latest observation of each order to the status store, off the reconcile path. While
 * the database is down, only the newest pending observation per order is kept and retried with
 * backoff, so an outage loses nothing and the final state lands once the database is back. A row
 * equal to the one last written for its order (but for the observation time) is not written again
 * unless something else for that order is pending (the newest observation always lands).
 */
export class DatabaseSink {
  private readonly pending = new Map<string, Pending>();
  private readonly written = new WrittenRows();
  private flushing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 250;
  private closed = false;

  constructor(
    private readonly store: StatusStore,
    private readonly logger: Logger,
    private readonly onWriteError: () => void,
    private readonly maxBackoffMs = 10_000,
    /** Writes in flight at once (the PostgreSQL pool has 10 connections; the LISTEN holds one). */
    private readonly parallelWrites = 4,
  ) {}

  submit(row: VmStateRow): void {
    if (!this.pending.has(row.orderUid) && this.written.unchanged(row)) return;
    this.enqueue(row.orderUid, { kind: "row", row });
  }

  submitDeleted(orderUid: string, resourceVersion: string, at: Date): void {
    this.enqueue(orderUid, { kind: "deleted", orderUid, resourceVersion, at });
  }

  /**
   * Forgets what was written (call when this replica starts leading: another leader may have
   * written since), so the next observation of every order is written again.
   */
  forgetWritten(): void {
    this.written.clear();
  }

  get backlog(): number {
    return this.pending.size;
  }

  /** Tries to write what is pending (bounded by `timeoutMs`), then stops. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) {
      if (!(await this.flushOnce())) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private enqueue(orderUid: string, item: Pending): void {
    const current = this.pending.get(orderUid);
    if (current?.kind === "deleted") return;
    this.pending.set(orderUid, item);
    if (!this.retryTimer) void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    try {
      const ok = await this.flushOnce();
      if (!ok) this.scheduleRetry();
      else this.backoffMs = 250;
    } finally {
      this.flushing = false;
    }
    if (this.pending.size > 0 && !this.retryTimer && !this.closed) void this.flush();
  }

  /**
   * Writes every pending item once, up to `parallelWrites` at a time (each is its own short
   * transaction on its own pooled connection; PGlite serialises them); false when the database
   * failed. Items written are removed unless a newer observation replaced them meanwhile.
   */
  private async flushOnce(): Promise<boolean> {
    const items = [...this.pending];
    let failed: unknown;
    let next = 0;
    const worker = async () => {
      while (failed === undefined && next < items.length) {
        const [orderUid, item] = items[next++]!;
        try {
          if (item.kind === "row") {
            await this.store.upsertVmState(item.row);
            this.written.remember(item.row);
          } else {
            await this.store.markDeleted(item.orderUid, item.resourceVersion, item.at);
            this.written.forget(item.orderUid);
          }
          if (this.pending.get(orderUid) === item) this.pending.delete(orderUid);
        } catch (error) {
          failed ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.parallelWrites, items.length) }, worker));
    if (failed === undefined) return true;
    this.onWriteError();
    this.logger.warn({ err: (failed as Error).message, backlog: this.pending.size, retryInMs: this.backoffMs }, "Failed to write VM state to the database; will retry");
    return false;
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
  }
}
