import type { RawObject } from "../../controller/cache/raw-object.ts";
import type { Logger } from "../../platform/logger.ts";
import type { ArgoCdSettings } from "../../render/hubs/argocd-objects.ts";
import type { RemovalPolicy } from "../../render/tree/removal-guard.ts";
import type { BareRepository } from "../git/bare-repository.ts";
import type { BlobReader } from "../git/blob-reader.ts";
import type { GitIdentity } from "../git/credentials.ts";
import type { ScheduleSettings } from "./batch-schedule.ts";
import type { OrderChange } from "./commit-message.ts";
import type { CommittedValue } from "./committed-condition.ts";
import type { FileRenderer } from "./file-renderer.ts";
import type { HeaderCache } from "./header-cache.ts";
import type { HubDirectory } from "./hub-intent.ts";
import type { CommitterMetrics } from "./metrics.ts";

// What the commit loop (commit-loop.ts) and the batch builder (batch-builder.ts) share: the loop's
// dependencies and what it hands out.

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

/** Per-hub output (docs/adr/0033-committer-per-hub-output.md): the watched Hubs, their renderers, and the Argo CD objects' settings. */
export interface CommitterHubs extends HubDirectory {
  readonly argoCd: ArgoCdSettings;
}

export interface CommitLoopDeps {
  readonly repository: BareRepository;
  readonly blobs: BlobReader;
  readonly headerCache: HeaderCache;
  readonly orders: OrderSource;
  readonly renderer: FileRenderer;
  /** Set when hubs are configured: hub orders go to `hubs/<hub>/`, with the Argo CD objects under `argocd/`. */
  readonly hubs?: CommitterHubs;
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
  /**
   * The orders of a finished batch that nothing is pending for any more: the base commit now holds
   * what they want (their files written, removed, or found as they should be). What waits on the
   * branch (the release of the committer's finalizer) can go ahead; called after the batch, not
   * during it, so `isSettled` already holds for each key.
   */
  readonly onSettled: (keys: readonly string[]) => void;
  readonly logger: Logger;
  readonly metrics: CommitterMetrics;
  readonly now?: () => number;
}
