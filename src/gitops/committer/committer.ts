import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Annotations, Labels } from "../../api/well-known.ts";
import type { RawObject } from "../../controller/cache/raw-object.ts";
import { startLeadership } from "../../controller/runtime/leadership.ts";
import { detectClusterAccess } from "../../platform/kube/cluster-access.ts";
import { KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import { probeServer } from "../../platform/probe-server.ts";
import type { RenderOptions } from "../../render/profile.ts";
import { BlobReader } from "../git/blob-reader.ts";
import { ArgoCdRefresher } from "./argocd-refresher.ts";
import { settleMsFor } from "./batch-schedule.ts";
import { CommitLoop } from "./commit-loop.ts";
import type { CommitterConfig } from "./config.ts";
import { FileRenderer } from "./file-renderer.ts";
import { HeaderCache } from "./header-cache.ts";
import { CommitterMetrics } from "./metrics.ts";
import { OrderCache } from "./order-cache.ts";
import { COMMITTER_FINALIZER, OrderHousekeeping } from "./order-housekeeping.ts";
import { isGitopsOrder } from "./order-intent.ts";
import type { CommitterSetup } from "./setup.ts";

export interface RunningCommitter {
  readonly metricsPort: number;
  readonly isLeader: () => boolean;
  close(): Promise<void>;
}

/** What decides an order's files: a change of any of these makes the order a pending change. */
function renderFingerprint(raw: RawObject | undefined): string {
  if (!raw) return "gone";
  const { metadata } = raw;
  return [
    metadata.uid,
    metadata.generation,
    metadata.deletionTimestamp ?? "",
    metadata.annotations?.[Annotations.managedBy] ?? "",
    metadata.annotations?.[Annotations.tenant] ?? "",
    metadata.labels?.[Labels.orderUuid] ?? "",
  ].join("|");
}

/**
 * Wires the committer: the order watch and the Applications watch on every replica (a new leader
 * starts warm); the commit loop and the order housekeeping only on the holder of the Lease
 * `osac-vm-committer`, each term starting from the remote branch; probes and metrics.
 */
export async function startCommitter(config: CommitterConfig, setup: CommitterSetup, env: Readonly<Record<string, string | undefined>>, logger: Logger): Promise<RunningCommitter> {
  const access = detectClusterAccess(env, config.kubeconfig);
  if (access.mode === "standalone") throw new Error(`the committer needs a cluster: set KUBECONFIG or --kubeconfig, or run it in a pod (${access.reason})`);
  const metrics = new CommitterMetrics();
  const rest = new KubeRestClient(access.kubeConfig);
  const options: RenderOptions = {
    profile: "gitops",
    allowPlainSecrets: false,
    ...(config.defaultStorageClass ? { defaultStorageClass: config.defaultStorageClass } : {}),
    ...(setup.sealer ? { sealing: setup.sealer } : {}),
  };
  const renderer = new FileRenderer(options, setup.sealer);
  const blobs = new BlobReader(setup.repository.options.gitDir, setup.environment.env);
  const headerCache = new HeaderCache(join(config.dataDir, "header-cache"));
  headerCache.load();
  const refresher =
    config.argoCd.refresh === "none"
      ? undefined
      : new ArgoCdRefresher({
          kubeConfig: access.kubeConfig,
          rest,
          logger,
          metrics,
          kind: config.argoCd.refresh,
          ...(config.argoCd.namespace ? { namespace: config.argoCd.namespace } : {}),
          url: config.repository,
          branch: config.branch,
        });

  let term: { loop: CommitLoop; housekeeping: OrderHousekeeping } | undefined;
  let leading = false;
  let closing = false;
  const fingerprints = new Map<string, string>();
  const relevant = (key: string, raw: RawObject | undefined) =>
    !raw || isGitopsOrder(raw) || (raw.metadata.finalizers ?? []).includes(COMMITTER_FINALIZER) || (term?.loop.hasFiles(key) ?? false);

  const orders: OrderCache = new OrderCache({
    kubeConfig: access.kubeConfig,
    rest,
    logger,
    ...(config.orderNamespaces ? { namespaces: config.orderNamespaces } : {}),
    onKey: (key) => {
      const raw = orders.get(key);
      if (!relevant(key, raw)) return;
      const fingerprint = renderFingerprint(raw);
      const changed = fingerprints.get(key) !== fingerprint;
      if (raw) fingerprints.set(key, fingerprint);
      else fingerprints.delete(key);
      if (!term) return;
      term.housekeeping.touch(key);
      if (changed) term.loop.markDirty(key);
    },
    onRestart: () => metrics.watchRestarts.inc({ watch: "orders" }),
  });

  const startTerm = async () => {
    while (!orders.synced && leading && !closing) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!leading || closing) return;
    let loop: CommitLoop;
    const housekeeping = new OrderHousekeeping({ rest, orders, loop: { hasFiles: (key) => loop.hasFiles(key), isSettled: (key) => loop.isSettled(key) }, logger, metrics, concurrency: config.concurrency });
    loop = new CommitLoop({
      repository: setup.repository,
      blobs,
      headerCache,
      orders,
      renderer,
      prefix: config.path,
      identity: config.author,
      replica: config.leaderElection.identity,
      removalPolicy: config.removal,
      schedule: { windowMs: config.batchWindowMs, settleMs: settleMsFor(config.batchWindowMs) },
      failuresBeforeCondition: 3,
      maxBackoffMs: 10_000,
      remoteCheckIntervalMs: config.remoteCheckIntervalMs,
      maintenanceEveryCommits: 200,
      isLeader: () => leading && !closing,
      onTargets: (targets) => housekeeping.setTargets(targets),
      onPushed: (pushed) => {
        for (const order of pushed.orders) housekeeping.touch(order.orderKey);
        if (refresher) void refresher.refresh(pushed.paths, pushed.commit).then((names) => names.length > 0 && logger.debug({ applications: names, commit: pushed.commit }, "Asked Argo CD to refresh"));
      },
      logger,
      metrics,
    });
    term = { loop, housekeeping };
    housekeeping.start();
    const keys = orders.keys().filter((key) => relevant(key, orders.get(key)));
    for (const key of keys) {
      fingerprints.set(key, renderFingerprint(orders.get(key)));
      housekeeping.touch(key);
    }
    try {
      await loop.start(keys);
    } catch (error) {
      logger.error({ err: (error as Error).message }, "Failed to start committing; stepping down");
      await stopTerm();
      if (!closing) process.exitCode = 1;
      throw error;
    }
  };
  const stopTerm = async () => {
    const current = term;
    term = undefined;
    if (!current) return;
    await current.loop.stop();
    await current.housekeeping.stop();
  };

  await orders.start();
  await refresher?.start();
  const leadership = startLeadership(config.leaderElection, access.kubeConfig, logger, metrics.leader, {
    start: () => {
      leading = true;
      void startTerm().catch(() => {
        // Logged in startTerm; the elector keeps the lease, and the next term starts on a restart.
      });
    },
    stop: async () => {
      leading = false;
      await stopTerm();
    },
  });

  const ticker = setInterval(() => {
    metrics.orders.set(orders.size);
    metrics.pending.set(term?.loop.pendingCount ?? 0);
  }, 5_000);
  ticker.unref();

  const server = probeServer({ metrics, ready: () => (closing ? "shutting down" : !orders.synced ? "the order cache has not synced" : undefined) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.metricsPort, config.bindAddress, () => resolve());
  });
  const metricsPort = (server.address() as AddressInfo).port;
  logger.info({ metricsPort, repository: config.repository, branch: config.branch, path: config.path, sealing: Boolean(setup.sealer), leaderElection: config.leaderElection.enabled }, "Started the committer");

  return {
    metricsPort,
    isLeader: () => leading,
    close: async () => {
      closing = true;
      clearInterval(ticker);
      await leadership.stop();
      await refresher?.stop();
      await orders.stop();
      blobs.close();
      rest.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      logger.info("Stopped the committer");
    },
  };
}
