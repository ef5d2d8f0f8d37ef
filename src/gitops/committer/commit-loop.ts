import type { RawObject } from "../../controller/cache/raw-object.ts";
import { desiredConfigVersion, type OrderSpecFields } from "../../domain/config-version.ts";
import { exponentialBackoffMs } from "../../controller/runtime/backoff.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RemovalPolicy } from "../../render/tree/removal-guard.ts";
import type { BareRepository } from "../git/bare-repository.ts";
import type { BlobReader } from "../git/blob-reader.ts";
import type { GitIdentity } from "../git/credentials.ts";
import { GitCommandError } from "../git/errors.ts";
import { buildBatch, type BuiltBatch } from "./batch-builder.ts";
import { nextCommitAtMs, type ScheduleSettings } from "./batch-schedule.ts";
import type { OrderChange } from "./commit-message.ts";
import { notCommitted, pushed, removed, type CommittedValue } from "./committed-condition.ts";
import type { FileRenderer } from "./file-renderer.ts";
import type { HeaderCache } from "./header-cache.ts";
import type { CommitterMetrics } from "./metrics.ts";
import { OwnedFiles } from "./owned-files.ts";
import type { RenderedWrite } from "./render-writes.ts";
import { catchUp, loadOwnedFiles, type TreeReaders } from "./tree-sync.ts";

/** What the committer wants an order's Committed condition to say. */
export type CommittedTarget =
  | { readonly kind: "value"; readonly value: CommittedValue }
  /** The order's file is current in `commit`: keep a Pushed condition that names its version, else say so. */
  | { readonly kind: "current"; readonly commit: string; readonly configVersion: string };

export interface PushedCommit {
  readonly commit: string;
  /** Repository paths the commit changed. */
  readonly paths: readonly string[];
  readonly orders: readonly OrderChange[];
}

export interface OrderSource {
  get(key: string): RawObject | undefined;
  keys(): string[];
}

export interface CommitLoopDeps {
  readonly repository: BareRepository;
  readonly blobs: BlobReader;
  readonly headerCache: HeaderCache;
  readonly orders: OrderSource;
  readonly renderer: FileRenderer;
  /** Repository path of the rendered tree ("" for the root). */
  readonly prefix: string;
  readonly identity: GitIdentity;
  /** This replica's name, in each commit's trailer. */
  readonly replica: string;
  readonly removalPolicy: RemovalPolicy;
  readonly schedule: ScheduleSettings;
  /** Failures in a row before orders show Committed=False (a single blip shows nothing). */
  readonly failuresBeforeCondition: number;
  readonly maxBackoffMs: number;
  /** Look at the remote for others' commits this often, even when nothing changes here. */
  readonly remoteCheckIntervalMs: number;
  /** Maintenance (maintain()) after this many pushed commits. */
  readonly maintenanceEveryCommits: number;
  readonly isLeader: () => boolean;
  readonly onTargets: (targets: ReadonlyMap<string, CommittedTarget>) => void;
  readonly onPushed: (commit: PushedCommit) => void;
  readonly logger: Logger;
  readonly metrics: CommitterMetrics;
  readonly now?: () => number;
}

const MAX_REBASES = 5;

class NotLeaderError extends Error {
  override readonly name = "NotLeaderError";
}

/**
 * The committer's core: changed order keys come in (`markDirty`), batches go out as commits on
 * the branch's tip, pushed without force. One batch at a time; a non-fast-forward push fetches the
 * new tip, takes in what others changed and builds the batch again on it; a failed push keeps
 * every change pending and retries with backoff (the backlog then lands in one commit).
 * docs/adr/0025-gitops-committer.md.
 */
export class CommitLoop {
  readonly owned = new OwnedFiles();
  private base: string | undefined;
  private readonly dirty = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly heldBack = new Set<string>();
  /** Paths another commit changed since we last wrote them. */
  private readonly suspect = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private remoteTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private lastCommitStartedAtMs: number | undefined;
  private retryNotBeforeMs: number | undefined;
  private failuresInRow = 0;
  private failingSince: number | undefined;
  private lastFailureDetail: string | undefined;
  private commitsSinceMaintenance = 0;
  private headerCacheDirty = false;
  private cacheTimer: NodeJS.Timeout | undefined;
  private readonly readers: TreeReaders;
  private readonly now: () => number;

  constructor(private readonly deps: CommitLoopDeps) {
    this.readers = { repository: deps.repository, blobs: deps.blobs, cache: deps.headerCache, prefix: deps.prefix };
    this.now = deps.now ?? Date.now;
  }

  /** The commit the next batch builds on (the branch's tip as last seen). */
  get baseCommit(): string | undefined {
    return this.base;
  }

  get pendingCount(): number {
    return this.dirty.size + this.inFlight.size;
  }

  get heldBackCount(): number {
    return this.heldBack.size;
  }

  /** Whether the base commit holds a file of this order. */
  hasFiles(key: string): boolean {
    return this.owned.orderFile(key) !== undefined;
  }

  /** Whether nothing about this order is waiting to be committed. */
  isSettled(key: string): boolean {
    return !this.dirty.has(key) && !this.inFlight.has(key) && !this.heldBack.has(key);
  }

  /**
   * Start-up (on becoming leader): fetch the tip; push a commit made before a restart that never
   * reached the remote (once: it is pushed as it is, or dropped when the remote moved, since the
   * live orders rebuild whatever it held); read our files in the tip; then look at every order.
   */
  async start(initialKeys: Iterable<string>): Promise<void> {
    const { repository, logger } = this.deps;
    await repository.prepare();
    let remote = await repository.fetch();
    const local = await repository.resolve(repository.localRef);
    if (local && local !== remote) {
      const outcome = await repository.push(local);
      if (outcome.kind === "pushed") {
        logger.info({ commit: local }, "Pushed a commit made before the restart");
        await repository.setRef(repository.remoteRef, local);
        remote = local;
        this.deps.metrics.commits.inc({ result: "pushed" });
      } else {
        logger.info({ commit: local, reason: outcome.detail }, "Dropped a commit made before the restart that the remote no longer accepts; the live orders are committed again instead");
      }
    }
    if (remote) await repository.setRef(repository.localRef, remote);
    this.base = remote;
    const { read } = await loadOwnedFiles(this.readers, remote, this.owned);
    this.saveHeaderCache();
    logger.info({ commit: remote ?? null, files: this.owned.size, orderFiles: this.owned.orderFileCount, blobsRead: read }, "Read the committer's files in the branch");
    this.started = true;
    const at = this.now();
    for (const key of initialKeys) this.dirty.set(key, at);
    for (const key of this.owned.orderKeys()) if (!this.dirty.has(key)) this.dirty.set(key, at);
    this.remoteTimer = setInterval(() => this.checkRemote(), this.deps.remoteCheckIntervalMs);
    this.remoteTimer.unref();
    // The header cache spares a restart reading every blob again; written at most once a minute.
    this.cacheTimer = setInterval(() => {
      if (this.headerCacheDirty && !this.running) this.saveHeaderCache();
    }, 60_000);
    this.cacheTimer.unref();
    this.kick();
  }

  /** Stops scheduling; waits for a batch in progress (which will not push once leadership is lost). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.remoteTimer);
    clearInterval(this.cacheTimer);
    await this.running;
    if (this.started) this.saveHeaderCache();
  }

  markDirty(key: string, atMs = this.now()): void {
    if (this.stopped) return;
    if (!this.dirty.has(key)) this.dirty.set(key, atMs);
    this.deps.metrics.pending.set(this.pendingCount);
    if (this.started) this.kick();
  }

  /** Schedules the next batch (batch-schedule.ts). */
  private kick(): void {
    if (this.stopped || this.running) return;
    // A loop, not Math.min(...values): at start-up every order of a 100,000-order fleet is pending.
    let oldest: number | undefined;
    for (const at of this.dirty.values()) if (oldest === undefined || at < oldest) oldest = at;
    const at = nextCommitAtMs({ oldestPendingAtMs: oldest, lastCommitStartedAtMs: this.lastCommitStartedAtMs, retryNotBeforeMs: this.retryNotBeforeMs }, this.deps.schedule);
    clearTimeout(this.timer);
    if (at === undefined) return;
    this.timer = setTimeout(() => this.runBatch(), Math.max(0, at - this.now()));
  }

  private runBatch(): void {
    if (this.stopped || this.running) return;
    const batch = new Map(this.dirty);
    for (const key of this.heldBack) if (!batch.has(key)) batch.set(key, this.now());
    this.dirty.clear();
    for (const key of batch.keys()) this.inFlight.add(key);
    this.lastCommitStartedAtMs = this.now();
    const keys = new Set(batch.keys());
    this.running = this.commitBatch(batch, keys)
      .then(() => {
        this.failuresInRow = 0;
        this.failingSince = undefined;
        this.lastFailureDetail = undefined;
        this.retryNotBeforeMs = undefined;
        this.deps.metrics.consecutiveFailures.set(0);
      })
      .catch((error: unknown) => this.failed(batch, error))
      .finally(() => {
        for (const key of keys) this.inFlight.delete(key);
        this.running = undefined;
        this.deps.metrics.pending.set(this.pendingCount);
        this.kick();
      });
  }

  /** A batch failed: every change stays pending, the next attempt waits out the backoff. */
  private failed(batch: ReadonlyMap<string, number>, error: unknown): void {
    for (const [key, at] of batch) {
      const pending = this.dirty.get(key);
      if (pending === undefined || pending > at) this.dirty.set(key, at);
    }
    if (this.stopped) return;
    if (error instanceof NotLeaderError) {
      this.retryNotBeforeMs = this.now() + 1_000; // stepping down: the elector stops this loop
      return;
    }
    this.failuresInRow++;
    this.failingSince ??= this.now();
    const retryInMs = exponentialBackoffMs(this.failuresInRow, 1_000, this.deps.maxBackoffMs);
    this.retryNotBeforeMs = this.now() + retryInMs;
    const kind = error instanceof GitCommandError ? error.kind : error instanceof PushRejectedError ? "remote-rejected" : "other";
    const detail = error instanceof Error ? error.message : String(error);
    this.deps.metrics.pushFailures.inc({ kind });
    this.deps.metrics.consecutiveFailures.set(this.failuresInRow);
    this.deps.logger.warn({ err: detail, kind, attempt: this.failuresInRow, retryInMs, pendingOrders: this.dirty.size }, "Failed to commit and push; will retry");
    if (this.failuresInRow >= this.deps.failuresBeforeCondition && detail !== this.lastFailureDetail) {
      this.lastFailureDetail = detail;
      const reason = error instanceof PushRejectedError ? "PushRejected" : "PushFailed";
      const message = `Pushing to ${this.deps.repository.options.url} (branch ${this.deps.repository.options.branch}) has failed since ${new Date(this.failingSince).toISOString()}: ${detail}; the committer keeps retrying`;
      const targets = new Map<string, CommittedTarget>();
      for (const key of this.dirty.keys()) if (this.deps.orders.get(key)) targets.set(key, { kind: "value", value: notCommitted(reason, message) });
      this.deps.onTargets(targets);
    }
  }

  /** `keys` grows when a rebase finds orders whose files another commit touched. */
  private async commitBatch(batch: ReadonlyMap<string, number>, keys: Set<string>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const built = await this.buildBatch(keys);
      if (!built) return;
      if (!this.deps.isLeader()) throw new NotLeaderError("lost leadership before pushing");
      const pushStartedAt = performance.now();
      const outcome = await this.deps.repository.push(built.commit);
      this.deps.metrics.pushDuration.observe((performance.now() - pushStartedAt) / 1000);
      if (outcome.kind === "pushed") {
        this.deps.metrics.commits.inc({ result: "pushed" });
        await this.afterPush(built, batch);
        return;
      }
      if (outcome.kind === "remote-rejected") {
        this.deps.metrics.commits.inc({ result: "rejected" });
        throw new PushRejectedError(outcome.detail);
      }
      this.deps.metrics.commits.inc({ result: "non_fast_forward" });
      if (attempt >= MAX_REBASES) throw new Error(`the branch kept moving: ${MAX_REBASES} pushes in a row were not fast-forwards`);
      const previous = this.base;
      const tip = await this.deps.repository.fetch();
      if (!tip) throw new Error(`the branch ${this.deps.repository.options.branch} disappeared from the remote`);
      const caught = await catchUp(this.readers, previous, tip, this.owned);
      await this.moveBase(tip);
      for (const path of caught.changedPaths) this.suspect.add(path);
      for (const key of caught.touchedOrders) {
        keys.add(key);
        this.inFlight.add(key);
      }
      this.deps.logger.info({ commit: tip, changedPaths: caught.changedPaths.length, attempt }, "Rebased the batch onto the branch's new tip");
    }
  }

  /** Plans, renders and commits the batch on the base commit (batch-builder.ts); undefined when nothing changes. */
  private async buildBatch(keys: ReadonlySet<string>): Promise<BuiltBatch | undefined> {
    const result = await buildBatch(this.deps, { owned: this.owned, base: this.base, suspect: this.suspect, now: this.now }, keys);
    this.heldBack.clear();
    for (const key of result.heldBack) this.heldBack.add(key);
    if (!result.built) this.deps.onTargets(result.targets);
    return result.built;
  }

  private async afterPush(built: BuiltBatch, batch: ReadonlyMap<string, number>): Promise<void> {
    const { deps } = this;
    await deps.repository.setRef(deps.repository.remoteRef, built.commit);
    this.base = built.commit;
    this.apply(built.rendered, built.removals.map((removal) => removal.path));
    const pushedAt = this.now();
    const targets = built.targets;
    for (const order of built.orders) {
      const intent = built.intents.get(order.orderKey);
      const firstSeen = batch.get(order.orderKey);
      if (firstSeen !== undefined) deps.metrics.changeToPush.observe((pushedAt - firstSeen) / 1000);
      if (intent?.kind === "write") targets.set(order.orderKey, { kind: "value", value: pushed(built.commit, intent.order.desiredConfigVersion) });
      else if (intent?.kind === "remove" && intent.reason === "deleting") {
        const spec = deps.orders.get(order.orderKey)?.spec as OrderSpecFields | undefined;
        targets.set(order.orderKey, { kind: "value", value: removed(built.commit, spec ? desiredConfigVersion(spec) : undefined) });
      }
    }
    deps.metrics.ordersPerCommit.observe(built.orders.length);
    deps.logger.info(
      {
        commit: built.commit,
        created: built.orders.filter((order) => order.change === "created").length,
        changed: built.orders.filter((order) => order.change === "changed").length,
        deleted: built.orders.filter((order) => order.change === "deleted").length,
        files: built.paths.length,
      },
      "Pushed a commit",
    );
    deps.onTargets(targets);
    deps.onPushed({ commit: built.commit, paths: built.paths, orders: built.orders });
    if (++this.commitsSinceMaintenance >= deps.maintenanceEveryCommits) {
      this.commitsSinceMaintenance = 0;
      await this.maintain();
    }
  }

  /** Our files after the push: written ones with their new blobs, removed ones gone. */
  private apply(written: readonly RenderedWrite[], removedPaths: readonly string[]): void {
    for (const write of written) {
      const facts = { inputDigest: write.write.file.inputDigest, intact: true, ...(write.write.orderKey ? { orderKey: write.write.orderKey } : {}) };
      this.deps.headerCache.set(write.blobId, facts);
      this.headerCacheDirty = true;
      this.owned.set({ path: write.write.path, blobId: write.blobId, ...facts });
      this.suspect.delete(write.write.path);
    }
    for (const path of removedPaths) {
      this.owned.delete(path);
      this.suspect.delete(path);
    }
    this.deps.metrics.ownedFiles.set(this.owned.size);
  }

  /** Others' commits reach us on our next push at the latest; this looks every interval when idle. */
  private checkRemote(): void {
    if (this.stopped || this.running || !this.deps.isLeader()) return;
    this.running = (async () => {
      const previous = this.base;
      const tip = await this.deps.repository.fetch();
      if (!tip || tip === previous) return;
      const caught = await catchUp(this.readers, previous, tip, this.owned);
      await this.moveBase(tip);
      for (const path of caught.changedPaths) this.suspect.add(path);
      for (const key of caught.touchedOrders) this.markDirty(key);
      if (caught.changedPaths.length > 0) this.deps.logger.info({ commit: tip, changedPaths: caught.changedPaths.length }, "Another commit changed the committer's files; rendering them again");
    })()
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message }, "Failed to look at the remote branch"))
      .finally(() => {
        this.running = undefined;
        this.kick();
      });
  }

  /** The base moves to another writer's tip; the local branch follows (it marks unpushed work only). */
  private async moveBase(tip: string): Promise<void> {
    this.base = tip;
    await this.deps.repository.setRef(this.deps.repository.localRef, tip);
  }

  /**
   * A depth-1 fetch makes the tip the shallow boundary again (when it is still our last push), so
   * older commits and their blobs become unreachable and maintain() removes them.
   */
  private async maintain(): Promise<void> {
    const startedAt = performance.now();
    try {
      const tip = await this.deps.repository.fetch();
      if (tip !== this.base) return; // another writer moved the branch: catch up first (next push or checkRemote), maintain later
      const result = await this.deps.repository.maintain();
      const bytes = await this.deps.repository.objectStoreBytes();
      this.deps.metrics.objectStoreBytes.set(bytes);
      this.saveHeaderCache();
      this.deps.logger.info({ ...result, objectStoreBytes: bytes, durationMs: Math.round(performance.now() - startedAt) }, "Maintained the repository");
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "Failed to maintain the repository; will try again later");
    }
  }

  private saveHeaderCache(): void {
    this.headerCacheDirty = false;
    try {
      this.deps.headerCache.save([...this.owned.files()].map((file) => file.blobId));
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "Failed to save the header cache; the next start reads the blobs again");
    }
  }
}

export class PushRejectedError extends Error {
  override readonly name = "PushRejectedError";
  constructor(readonly detail: string) {
    super(`the remote rejected the push: ${detail}`);
  }
}
