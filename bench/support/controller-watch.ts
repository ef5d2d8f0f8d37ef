/**
 * A watch for the benchmark: client-node `Watch` on one collection, each event handed over with
 * the time it arrived (performance.now()). Restarts from the last resourceVersion when the server
 * ends the watch (from scratch after 410 Gone: events are then ADDED again, which first-seen
 * bookkeeping ignores).
 */
import { Watch, type KubeConfig } from "@kubernetes/client-node";

export type WatchEvent = "ADDED" | "MODIFIED" | "DELETED";
export interface WatchedObject {
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string> };
  status?: any;
  [key: string]: unknown;
}

export class CollectionWatch {
  private readonly watch: Watch;
  private resourceVersion: string | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  restarts = 0;
  events = 0;

  constructor(
    kubeConfig: KubeConfig,
    private readonly path: string,
    private readonly labelSelector: string | undefined,
    private readonly onEvent: (type: WatchEvent, object: WatchedObject, at: number) => void,
  ) {
    this.watch = new Watch(kubeConfig);
  }

  /** Resolves once the watch is connected (the server answered 200). */
  async start(): Promise<void> {
    const params: Record<string, string | boolean> = { allowWatchBookmarks: true };
    if (this.labelSelector) params.labelSelector = this.labelSelector;
    if (this.resourceVersion) params.resourceVersion = this.resourceVersion;
    this.abort = await this.watch.watch(
      this.path,
      params,
      (type: string, object: WatchedObject) => {
        const at = performance.now();
        if (type === "ERROR") {
          if ((object as { code?: number }).code === 410) this.resourceVersion = undefined;
          return;
        }
        if (object?.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
        if (type === "BOOKMARK") return;
        this.events++;
        this.onEvent(type as WatchEvent, object, at);
      },
      (error: unknown) => {
        if (this.stopped) return;
        this.restarts++;
        if (error) process.stderr.write(`watch ${this.path} ended (${(error as Error).message ?? error}); restarting\n`);
        this.restartSoon();
      },
    );
  }

  private restartSoon(): void {
    setTimeout(() => {
      if (this.stopped) return;
      this.start().catch((error: unknown) => {
        process.stderr.write(`watch ${this.path} restart failed (${(error as Error).message}); retrying\n`);
        this.restartSoon();
      });
    }, 200);
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }
}
