import { desiredConfigVersion, type OrderSpecFields } from "../../domain/config-version.ts";
import { buildBatch, type BuiltBatch } from "./batch-builder.ts";
import { nextCommitAtMs } from "./batch-schedule.ts";
import { notCommitted, pushed, removed } from "./committed-condition.ts";
import type { CommitLoopDeps, CommittedTarget } from "./loop-deps.ts";
import { OwnedFiles } from "./owned-files.ts";
import { PushFailures, PushRejectedError } from "./push-failures.ts";
import type { RenderedWrite } from "./render-writes.ts";
import { RepositoryUpkeep } from "./repository-upkeep.ts";
import { catchUp, loadOwnedFiles, type TreeReaders } from "./tree-sync.ts";

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
  /** Until a batch of this term succeeds, every tenant's Argo CD objects are planned (per-hub output). */
  private sweepArgoCd = true;
  private retryNotBeforeMs: number | undefined;
  private readonly failures: PushFailures;
  private readonly upkeep: RepositoryUpkeep;
  private readonly readers: TreeReaders;
  private readonly now: () => number;

  constructor(private readonly deps: CommitLoopDeps) {
    this.readers = { repository: deps.repository, blobs: deps.blobs, cache: deps.headerCache, prefix: deps.prefix, hubs: deps.hubs !== undefined };
    this.now = deps.now ?? Date.now;
    const { url, branch } = deps.repository.options;
    this.failures = new PushFailures({ maxBackoffMs: deps.maxBackoffMs, failuresBeforeCondition: deps.failuresBeforeCondition, url, branch });
    this.upkeep = new RepositoryUpkeep({ ...deps, ownedBlobIds: () => [...this.owned.files()].map((file) => file.blobId) });
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

  /** Whether nothing about this order is waiting to be committed (never before start-up has read the branch). */
  isSettled(key: string): boolean {
    return this.started && !this.dirty.has(key) && !this.inFlight.has(key) && !this.heldBack.has(key);
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
    this.upkeep.saveHeaderCache();
    logger.info({ commit: remote ?? null, files: this.owned.size, orderFiles: this.owned.orderFileCount, blobsRead: read }, "Read the committer's files in the branch");
    this.started = true;
    const at = this.now();
    for (const key of initialKeys) this.dirty.set(key, at);
    for (const key of this.owned.orderKeys()) if (!this.dirty.has(key)) this.dirty.set(key, at);
    this.remoteTimer = setInterval(() => this.checkRemote(), this.deps.remoteCheckIntervalMs);
    this.remoteTimer.unref();
    this.upkeep.start(() => !this.running);
    this.kick();
  }

  /** Stops scheduling; waits for a batch in progress (which will not push once leadership is lost). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.remoteTimer);
    this.upkeep.stop();
    await this.running;
    if (this.started) this.upkeep.saveHeaderCache();
  }

  /** A Hub changed where it decides files, or came or went: its orders with files are looked at again (one walk; rare). */
  markHub(hub: string): void {
    const directory = this.deps.prefix ? `${this.deps.prefix}/hubs/${hub}` : `hubs/${hub}`;
    for (const key of this.owned.orderKeysUnder(directory)) this.markDirty(key);
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
        this.sweepArgoCd = false;
        this.failures.succeeded();
        this.retryNotBeforeMs = undefined;
        this.deps.metrics.consecutiveFailures.set(0);
      })
      .catch((error: unknown) => this.failed(batch, error))
      .finally(() => {
        for (const key of keys) this.inFlight.delete(key);
        this.running = undefined;
        this.deps.metrics.pending.set(this.pendingCount);
        this.reportSettled(keys);
        this.kick();
      });
  }

  /**
   * Hands the batch's orders that are now settled back (a failed batch keeps them pending, a held
   * back removal waits): the push that removed an order's files is no order event, so this is
   * what lets the housekeeping release its finalizer. Not once stopped: the next term looks at
   * every order anyway.
   */
  private reportSettled(keys: ReadonlySet<string>): void {
    if (this.stopped) return;
    const settled: string[] = [];
    for (const key of keys) if (this.isSettled(key)) settled.push(key);
    if (settled.length > 0) this.deps.onSettled(settled);
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
    const { retryInMs, kind, detail, report } = this.failures.failed(error, this.now());
    this.retryNotBeforeMs = this.now() + retryInMs;
    this.deps.metrics.pushFailures.inc({ kind });
    this.deps.metrics.consecutiveFailures.set(this.failures.count);
    this.deps.logger.warn({ err: detail, kind, attempt: this.failures.count, retryInMs, pendingOrders: this.dirty.size }, "Failed to commit and push; will retry");
    if (!report) return;
    const targets = new Map<string, CommittedTarget>();
    for (const key of this.dirty.keys()) if (this.deps.orders.get(key)) targets.set(key, { kind: "value", value: notCommitted(report.reason, report.message) });
    this.deps.onTargets(targets);
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
    const result = await buildBatch(this.deps, { owned: this.owned, base: this.base, suspect: this.suspect, now: this.now, sweepArgoCd: this.sweepArgoCd }, keys);
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
    await this.upkeep.afterPush(built.commit);
  }

  /** Our files after the push: written ones with their new blobs, removed ones gone. */
  private apply(written: readonly RenderedWrite[], removedPaths: readonly string[]): void {
    for (const write of written) {
      const facts = { inputDigest: write.write.file.inputDigest, intact: true, ...(write.write.orderKey ? { orderKey: write.write.orderKey } : {}) };
      this.upkeep.remember(write.blobId, facts);
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
}

export { PushRejectedError } from "./push-failures.ts";
export type { CommitLoopDeps, CommittedTarget, OrderSource, PushedCommit } from "./loop-deps.ts";
