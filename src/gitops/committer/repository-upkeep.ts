import type { Logger } from "../../platform/logger.ts";
import type { BareRepository } from "../git/bare-repository.ts";
import type { FileFacts } from "./file-head.ts";
import type { HeaderCache } from "./header-cache.ts";
import type { CommitterMetrics } from "./metrics.ts";

export interface UpkeepDeps {
  readonly repository: BareRepository;
  readonly headerCache: HeaderCache;
  readonly metrics: CommitterMetrics;
  readonly logger: Logger;
  /** Maintenance after this many pushed commits. */
  readonly maintenanceEveryCommits: number;
  /** The blobs of the committer's files now (the header cache keeps only these). */
  readonly ownedBlobIds: () => string[];
}

/**
 * What keeps the data directory bounded and useful (docs/adr/0026-git-tooling-and-credentials.md):
 * the header cache, saved at most once a minute while idle so that a restart reads no blob twice,
 * and repository maintenance every `maintenanceEveryCommits` pushes.
 */
export class RepositoryUpkeep {
  private commitsSinceMaintenance = 0;
  private cacheDirty = false;
  private cacheTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: UpkeepDeps) {}

  /** Starts saving the header cache once a minute, when it changed and `idle()` holds. */
  start(idle: () => boolean): void {
    this.cacheTimer = setInterval(() => {
      if (this.cacheDirty && idle()) this.saveHeaderCache();
    }, 60_000);
    this.cacheTimer.unref();
  }

  stop(): void {
    clearInterval(this.cacheTimer);
  }

  /** A blob the committer just wrote: its facts are known without reading it. */
  remember(blobId: string, facts: FileFacts): void {
    this.deps.headerCache.set(blobId, facts);
    this.cacheDirty = true;
  }

  saveHeaderCache(): void {
    this.cacheDirty = false;
    try {
      this.deps.headerCache.save(this.deps.ownedBlobIds());
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "Failed to save the header cache; the next start reads the blobs again");
    }
  }

  /** After each push; every `maintenanceEveryCommits` pushes, maintenance on `base` (the tip we pushed). */
  async afterPush(base: string): Promise<void> {
    if (++this.commitsSinceMaintenance < this.deps.maintenanceEveryCommits) return;
    this.commitsSinceMaintenance = 0;
    await this.maintain(base);
  }

  /**
   * A depth-1 fetch makes the tip the shallow boundary again (when it is still our last push), so
   * older commits and their blobs become unreachable and the repository's maintenance removes them.
   */
  private async maintain(base: string): Promise<void> {
    const { repository, metrics, logger } = this.deps;
    const startedAt = performance.now();
    try {
      const tip = await repository.fetch();
      if (tip !== base) return; // another writer moved the branch: catch up first (next push or remote check), maintain later
      const result = await repository.maintain();
      const bytes = await repository.objectStoreBytes();
      metrics.objectStoreBytes.set(bytes);
      this.saveHeaderCache();
      logger.info({ ...result, objectStoreBytes: bytes, durationMs: Math.round(performance.now() - startedAt) }, "Maintained the repository");
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "Failed to maintain the repository; will try again later");
    }
  }
}
