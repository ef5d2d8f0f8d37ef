import type { Logger } from "../logger.ts";
import type { KubeRestClient } from "./rest-client.ts";

/** The object an Event is about. */
export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects: their Events go to `default`, as the API server requires. */
  readonly namespace?: string;
  readonly uid?: string;
}

export interface EventRecorderOptions {
  readonly rest: Pick<KubeRestClient, "request">;
  /** `source.component` and `reportingComponent`. */
  readonly component: string;
  /** `reportingInstance` (the replica's identity). */
  readonly instance: string;
  readonly logger: Logger;
  readonly onResult?: (result: "sent" | "failed" | "dropped") => void;
  /** Events posted at once. @default 4 */
  readonly concurrency?: number;
  /** Events waiting beyond this are dropped, oldest first (an API server outage must not grow memory). @default 1000 */
  readonly maxPending?: number;
}

/**
 * Kubernetes Events (core/v1, as `kubectl describe` shows them), posted off the caller's path:
 * `record` returns at once, a few are sent at a time, and failures are logged and counted, never
 * thrown (an Event is a report, not state).
 */
export class EventRecorder {
  private readonly pending: { readonly namespace: string; readonly body: object }[] = [];
  private active = 0;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private readonly options: EventRecorderOptions) {}

  record(object: InvolvedObject, type: "Normal" | "Warning", reason: string, message: string): void {
    if (this.closed) return;
    const namespace = object.namespace ?? "default";
    const now = new Date().toISOString();
    const body = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { generateName: `${object.name}.`, namespace },
      involvedObject: { apiVersion: object.apiVersion, kind: object.kind, name: object.name, ...(object.namespace ? { namespace: object.namespace } : {}), ...(object.uid ? { uid: object.uid } : {}) },
      type,
      reason,
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      source: { component: this.options.component },
      reportingComponent: this.options.component,
      reportingInstance: this.options.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.pending.push({ namespace, body });
    if (this.pending.length > (this.options.maxPending ?? 1000)) {
      this.pending.shift();
      this.options.onResult?.("dropped");
    }
    this.pump();
  }

  /** Waits until what is pending has been sent (or failed), at most `timeoutMs`. */
  async drain(timeoutMs = 1_000): Promise<void> {
    const drained = new Promise<void>((resolve) => (this.pending.length === 0 && this.active === 0 ? resolve() : this.idle.push(resolve)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Sends what is pending (bounded by `timeoutMs`), then takes no more. */
  async close(timeoutMs = 2_000): Promise<void> {
    await this.drain(timeoutMs);
    this.closed = true;
    this.pending.length = 0;
  }

  private pump(): void {
    while (this.active < (this.options.concurrency ?? 4) && this.pending.length > 0) {
      const next = this.pending.shift()!;
      this.active++;
      this.options.rest
        .request("POST", `/api/v1/namespaces/${encodeURIComponent(next.namespace)}/events`, { body: next.body, discardBody: true })
        .then(
          () => this.options.onResult?.("sent"),
          (error: unknown) => {
            this.options.onResult?.("failed");
            this.options.logger.debug({ err: (error as Error).message, namespace: next.namespace }, "Failed to record an Event");
          },
        )
        .finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.pending.length === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    }
  }
}
