import type { Logger } from "../../platform/logger.ts";
import type { SqlQueryable } from "../../platform/database/sql-session.ts";
import type { VdcView } from "../model/records.ts";
import { readVdcFingerprint, readVdcViews } from "../database/vdc-queries.ts";
import type { SsvirtMetrics } from "./metrics.ts";

/**
 * Watches SSVirt's VDC rows by polling (docs/adr/0022): every `pollIntervalMs` one aggregate query
 * (`VDC_FINGERPRINT`) tells whether `vdcs` or `organizations` changed; only then, or when a full
 * read is due, are the rows read. Needs only SELECT on SSVirt's database and installs nothing
 * there. A failed poll is logged and retried on the next tick; the last reading stays in use.
 */
export class VdcSource {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private fingerprint: string | undefined;
  private fullReadDue = true;
  private failing = false;
  private tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      readonly db: SqlQueryable;
      readonly pollIntervalMs: number;
      readonly logger: Logger;
      readonly metrics: SsvirtMetrics;
      readonly onViews: (views: readonly VdcView[]) => void;
    },
  ) {}

  /** Polls now, then every interval, until `stop`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.fullReadDue = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tick;
  }

  /** The next poll reads every row, changed or not (the periodic resync). */
  requestFullRead(): void {
    this.fullReadDue = true;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tick = this.poll().finally(() => this.schedule(this.deps.pollIntervalMs));
    }, delayMs);
  }

  private async poll(): Promise<void> {
    const { db, metrics, logger } = this.deps;
    try {
      const started = performance.now();
      const fingerprint = await readVdcFingerprint(db);
      metrics.vdcPollDuration.observe({ query: "fingerprint" }, (performance.now() - started) / 1000);
      const full = this.fullReadDue;
      if (!full && fingerprint === this.fingerprint) {
        metrics.vdcPolls.inc({ result: "unchanged" });
      } else {
        const readStarted = performance.now();
        const views = await readVdcViews(db);
        metrics.vdcPollDuration.observe({ query: "rows" }, (performance.now() - readStarted) / 1000);
        metrics.vdcPolls.inc({ result: full && fingerprint === this.fingerprint ? "resync" : "changed" });
        this.fingerprint = fingerprint;
        this.fullReadDue = false;
        if (this.running) this.deps.onViews(views);
      }
      if (this.failing) logger.info("Reached SSVirt's database again");
      this.failing = false;
    } catch (error) {
      metrics.vdcPolls.inc({ result: "error" });
      if (!this.failing) logger.warn({ err: (error as Error).message }, "Failed to read SSVirt's VDCs; keeping the last reading and retrying");
      this.failing = true;
    }
  }
}
