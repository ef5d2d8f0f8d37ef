import { HUB_API_VERSION, HUB_KIND, HUBS_PATH, ReachableReasons } from "../api/gitops/v1alpha1/hub.ts";
import { WorkQueue, type ReconcileResult } from "../controller/runtime/work-queue.ts";
import type { KubeRestClient } from "../platform/kube/rest-client.ts";
import type { Logger } from "../platform/logger.ts";
import type { AllocationTally } from "./allocation-tally.ts";
import type { CachedSecret, HubCache } from "./hub-cache.ts";
import type { HubModel } from "./hub-model.ts";
import { hubStatus, hubStatusEqual } from "./hub-status.ts";
import { readKubeconfig } from "./kubeconfig.ts";
import { probeHub, type ProbeResult } from "./probe.ts";

export const HUB_PROBER_FIELD_MANAGER = "osac-vm-hub-prober";

export interface HubProberOptions {
  readonly cache: HubCache;
  readonly tally: AllocationTally;
  /** The management cluster. */
  readonly rest: Pick<KubeRestClient, "apply">;
  readonly logger: Logger;
  /** The namespace of the kubeconfig Secrets (for messages). */
  readonly secretsNamespace: string;
  /** How often each hub is probed. @default 30_000 */
  readonly intervalMs?: number;
  /** Per request to a hub. @default 5_000 */
  readonly timeoutMs?: number;
  /** How long an allocation change waits before the status is written (changes in between are written together). @default 2_000 */
  readonly allocationDelayMs?: number;
  /** Hubs probed at once. @default 4 */
  readonly concurrency?: number;
  /** Monotonic clock. @default performance.now */
  readonly now?: () => number;
  /** Wall clock for `lastProbeTime`. @default Date.now */
  readonly wallClockMs?: () => number;
  readonly onProbe?: (result: ProbeResult) => void;
}

interface LastProbe {
  /** Hub generation and Secret version it was made with: when either changes, the hub is probed again at once. */
  readonly fingerprint: string;
  readonly result: ProbeResult;
  readonly atMs: number;
  readonly at: string;
}

/**
 * The hub prober: a level-based reconciler keyed by Hub name, run on the controller's leader.
 * For each Hub it reads the kubeconfig Secret from the cache, probes the hub through it
 * (`probe.ts`), and server-side applies `/status` (field manager `osac-vm-hub-prober`) with the
 * `Reachable` condition, `lastProbeTime` and the `allocated` totals from the tally. A hub is probed
 * every `intervalMs`, and at once when its spec or its Secret changes; a change of its allocation
 * only rewrites the status (after `allocationDelayMs`, so a burst of orders is one write).
 */
export class HubProber {
  private readonly lastProbes = new Map<string, LastProbe>();
  private queue: WorkQueue | undefined;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly wallClockMs: () => number;

  constructor(private readonly options: HubProberOptions) {
    this.intervalMs = options.intervalMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.now = options.now ?? (() => performance.now());
    this.wallClockMs = options.wallClockMs ?? Date.now;
  }

  start(): void {
    if (this.queue) return;
    this.lastProbes.clear();
    this.queue = new WorkQueue((name) => this.reconcile(name), { concurrency: this.options.concurrency ?? 4 }, {
      onError: (name, error, attempt, retryInMs) =>
        this.options.logger.warn({ hub: name, err: (error as Error).message, attempt, retryInMs }, "Failed to write a Hub's status; will retry"),
    });
    this.queue.start();
    for (const hub of this.options.cache.hubs()) this.queue.add(hub.name);
  }

  async stop(): Promise<void> {
    const queue = this.queue;
    this.queue = undefined;
    await queue?.shutdown();
  }

  /** A Hub or its Secret changed: probe it again now. */
  hubChanged(name: string): void {
    this.queue?.add(name);
  }

  /** Orders placed on the hub changed: rewrite its allocation soon. */
  allocationChanged(name: string): void {
    this.queue?.addAfter(name, this.options.allocationDelayMs ?? 2_000);
  }

  async reconcile(name: string): Promise<ReconcileResult> {
    const hub = this.options.cache.hub(name);
    if (hub === undefined) {
      this.lastProbes.delete(name);
      return;
    }
    const secret = this.options.cache.kubeconfigSecret(hub);
    const fingerprint = `${hub.generation}/${secret?.metadata.resourceVersion ?? "-"}`;
    let last = this.lastProbes.get(name);
    if (last === undefined || last.fingerprint !== fingerprint || this.now() - last.atMs >= this.intervalMs) {
      const result = await this.probe(hub, secret);
      const wallMs = this.wallClockMs();
      last = { fingerprint, result, atMs: this.now(), at: new Date(Math.floor(wallMs / 1000) * 1000).toISOString().replace(".000Z", "Z") };
      this.lastProbes.set(name, last);
      this.options.onProbe?.(result);
    }
    const current = this.options.cache.hubObject(name)?.status;
    const desired = hubStatus({ generation: hub.generation, previous: current, probe: last, allocated: this.options.tally.observed(name) });
    if (!hubStatusEqual(current, desired)) {
      const before = current?.conditions?.find((condition) => condition.type === "Reachable");
      await this.options.rest.apply(`${HUBS_PATH}/${encodeURIComponent(name)}/status`, { apiVersion: HUB_API_VERSION, kind: HUB_KIND, metadata: { name }, status: desired }, HUB_PROBER_FIELD_MANAGER, {
        discardBody: true,
      });
      const after = desired.conditions?.[0];
      if (after && (before?.status !== after.status || before?.reason !== after.reason)) {
        const level = after.status === "True" ? "info" : "warn";
        this.options.logger[level]({ hub: name, reachable: after.status, reason: after.reason, message: after.message }, "Probed a Hub: its reachability changed");
      }
    }
    return { requeueAfterMs: Math.max(1, this.intervalMs - (this.now() - last.atMs)) };
  }

  private async probe(hub: HubModel, secret: CachedSecret | undefined): Promise<ProbeResult> {
    const secretName = `${this.options.secretsNamespace}/${hub.kubeconfigSecret.name}`;
    if (secret === undefined) {
      return { reachable: false, reason: ReachableReasons.kubeconfigMissing, message: `Secret ${secretName} does not exist (kubeconfig Secrets live in the namespace ${this.options.secretsNamespace})` };
    }
    const encoded = secret.data?.[hub.kubeconfigSecret.key];
    if (encoded === undefined) return { reachable: false, reason: ReachableReasons.kubeconfigMissing, message: `Secret ${secretName} has no key '${hub.kubeconfigSecret.key}'` };
    const reading = readKubeconfig(Buffer.from(encoded, "base64").toString("utf8"));
    if (!reading.ok) return { reachable: false, reason: ReachableReasons.kubeconfigInvalid, message: `the kubeconfig in Secret ${secretName}, key '${hub.kubeconfigSecret.key}', ${reading.problem}` };
    return probeHub(reading.connection, hub.capabilities, { timeoutMs: this.timeoutMs });
  }
}
