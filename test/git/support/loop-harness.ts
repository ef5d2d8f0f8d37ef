// The commit loop wired as the committer wires it, against a real repository, with the orders
// held in a Map (what the order cache would hold) instead of a cluster: the git suite exercises
// batching, pushing, rebasing, restarts and the removal guard without an API server.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import type { RawObject } from "../../../src/controller/cache/raw-object.ts";
import { createLogger } from "../../../src/platform/logger.ts";
import { DEFAULT_REMOVAL_POLICY, type RemovalPolicy } from "../../../src/render/tree/removal-guard.ts";
import type { RenderOptions } from "../../../src/render/profile.ts";
import { BareRepository } from "../../../src/gitops/git/bare-repository.ts";
import { BlobReader } from "../../../src/gitops/git/blob-reader.ts";
import { gitEnvironment } from "../../../src/gitops/git/credentials.ts";
import { CommitLoop, type CommittedTarget, type PushedCommit } from "../../../src/gitops/committer/commit-loop.ts";
import { FileRenderer } from "../../../src/gitops/committer/file-renderer.ts";
import { HeaderCache } from "../../../src/gitops/committer/header-cache.ts";
import { CommitterMetrics } from "../../../src/gitops/committer/metrics.ts";
import { HubRenderers } from "../../../src/gitops/committer/hub-renderers.ts";
import type { SecretSealer, ValueKey } from "../../../src/gitops/sealing/index.ts";
import type { HubModel } from "../../../src/hubs/hub-model.ts";
import type { ArgoCdSettings } from "../../../src/render/hubs/argocd-objects.ts";
import { orderDocument } from "../../support/orders.ts";

export const IDENTITY = { name: "osac-vm committer", email: "osac-vm-committer@osac.invalid" };

export interface LoopOptions {
  readonly url: string;
  /** Reuse a data directory (a restart); a fresh one by default. */
  readonly dataDir?: string;
  readonly sealer?: SecretSealer;
  readonly windowMs?: number;
  /** How long a change waits for the changes that come with it (default 20 ms; the committer: settleMsFor(window)). */
  readonly settleMs?: number;
  readonly removalPolicy?: RemovalPolicy;
  readonly maxBackoffMs?: number;
  readonly failuresBeforeCondition?: number;
  /** Called with each pushed commit, as it is pushed (the bench times it). */
  readonly onPushed?: (pushed: PushedCommit) => void;
  /** Replaces the leader check (false: the loop commits but never pushes). */
  readonly isLeader?: () => boolean;
  /** Per-hub output: the hubs as the Hub watch would hold them (LoopHarness.hubModels; change them there). */
  readonly hubs?: { readonly hubs: readonly HubModel[]; readonly valueKey?: ValueKey; readonly argoCd: ArgoCdSettings };
}

/** A gitops order document as the cache holds it. */
export function gitopsOrder(name: string, parameters: Record<string, unknown> = {}, namespace = "orders", tenant = "acme"): RawObject {
  const document = orderDocument({ cpu_cores: "2", ...parameters }, { name, namespace, tenant, managedBy: "gitops" }) as unknown as RawObject;
  document.metadata.uid = randomUUID();
  document.metadata.generation = 1;
  return document;
}

export class LoopHarness {
  readonly orders = new Map<string, RawObject>();
  readonly targets = new Map<string, CommittedTarget>();
  readonly pushes: PushedCommit[] = [];
  /** Each onSettled call: the keys, with what the loop said of each at that moment. */
  readonly settledReports: { key: string; settled: boolean; hasFiles: boolean }[][] = [];
  readonly metrics = new CommitterMetrics();
  readonly logLines: string[] = [];
  /** With `hubs`: the known Hubs by name. */
  readonly hubModels = new Map<string, HubModel>();
  readonly loop: CommitLoop;
  readonly repository: BareRepository;
  private readonly blobs: BlobReader;

  constructor(readonly options: LoopOptions & { dataDir: string }) {
    const env = gitEnvironment({ credentials: { kind: "none" }, helperDirectory: options.dataDir, identity: IDENTITY, path: process.env.PATH ?? "/usr/bin:/bin" });
    this.repository = new BareRepository({ gitDir: path.join(options.dataDir, "repository.git"), url: options.url, branch: "main", env: env.env, secrets: [], networkTimeoutMs: 20_000 });
    this.blobs = new BlobReader(this.repository.options.gitDir, env.env);
    const headerCache = new HeaderCache(path.join(options.dataDir, "header-cache"));
    headerCache.load();
    const renderOptions: RenderOptions = { profile: "gitops", allowPlainSecrets: false, ...(options.sealer ? { sealing: options.sealer } : {}) };
    const hubs = options.hubs;
    for (const hub of hubs?.hubs ?? []) this.hubModels.set(hub.name, hub);
    const renderers = new HubRenderers({ base: { profile: "gitops", allowPlainSecrets: false }, ...(hubs?.valueKey ? { valueKey: hubs.valueKey } : {}), reseal: false });
    const logger = createLogger({ name: "test", level: "info", destination: { write: (line: string) => this.logLines.push(line) } as unknown as NodeJS.WritableStream });
    this.loop = new CommitLoop({
      repository: this.repository,
      blobs: this.blobs,
      headerCache,
      orders: { get: (key) => this.orders.get(key), keys: () => [...this.orders.keys()] },
      renderer: new FileRenderer(renderOptions, options.sealer),
      ...(hubs
        ? {
            hubs: {
              hub: (name: string) => this.hubModels.get(name),
              names: () => [...this.hubModels.keys()].sort(),
              rendererFor: (hub: HubModel) => renderers.for(hub),
              argoCd: hubs.argoCd,
            },
          }
        : {}),
      prefix: "rendered",
      identity: IDENTITY,
      replica: "test-replica",
      removalPolicy: options.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
      schedule: { windowMs: options.windowMs ?? 300, settleMs: options.settleMs ?? 20 },
      failuresBeforeCondition: options.failuresBeforeCondition ?? 2,
      maxBackoffMs: options.maxBackoffMs ?? 1_000,
      remoteCheckIntervalMs: 3_600_000,
      maintenanceEveryCommits: 1_000,
      isLeader: options.isLeader ?? (() => true),
      onTargets: (targets) => {
        for (const [key, target] of targets) this.targets.set(key, target);
      },
      onSettled: (keys) => {
        this.settledReports.push(keys.map((key) => ({ key, settled: this.loop.isSettled(key), hasFiles: this.loop.hasFiles(key) })));
      },
      onPushed: (pushed) => {
        this.pushes.push(pushed);
        options.onPushed?.(pushed);
      },
      logger,
      metrics: this.metrics,
    });
  }

  static create(options: LoopOptions): LoopHarness {
    return new LoopHarness({ ...options, dataDir: options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "osac-committer-loop-")) });
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  key(order: RawObject): string {
    return `${order.metadata.namespace}/${order.metadata.name}`;
  }

  /** Adds or replaces orders and tells the loop (as the order watch does). */
  put(...orders: RawObject[]): void {
    for (const order of orders) {
      this.orders.set(this.key(order), order);
      this.loop.markDirty(this.key(order));
    }
  }

  remove(...keys: string[]): void {
    for (const key of keys) {
      this.orders.delete(key);
      this.loop.markDirty(key);
    }
  }

  start(): Promise<void> {
    return this.loop.start(this.orders.keys());
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.blobs.close();
  }

  /** Waits until `done` holds, polling; fails with `what` and the last log lines after `timeoutMs`. */
  async until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last log lines:\n${this.logLines.slice(-8).join("")}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Waits until the loop has nothing pending. */
  settled(timeoutMs = 60_000): Promise<void> {
    return this.until("the loop to settle", () => this.loop.pendingCount === 0, timeoutMs);
  }
}
