import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Annotations, Labels } from "../../api/well-known.ts";
import type { RawObject } from "../../controller/cache/raw-object.ts";
import { startLeadership } from "../../controller/runtime/leadership.ts";
import { HubCache } from "../../hubs/hub-cache.ts";
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
import { hubRenderFingerprint, HubRenderers } from "./hub-renderers.ts";
import type { CommitterHubs } from "./loop-deps.ts";
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
    metadata.annotations?.[Annotations.hub] ?? "",
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
  // Per-hub output (docs/adr/0033-committer-per-hub-output.md): the Hubs from the project's hub
  // cache (its Hub watch only: no Secrets, no tally), one renderer per hub.
  const hubFingerprints = new Map<string, string>();
  const hubCache = config.hubs
    ? new HubCache({
        kubeConfig: access.kubeConfig,
        rest,
        logger,
        onHubChanged: (name) => hubChanged(name),
        onWatchRestart: () => metrics.watchRestarts.inc({ watch: "hubs" }),
      })
    : undefined;
  const hubs: CommitterHubs | undefined = hubCache && hubDirectory(hubCache, config, options, setup);
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

  /** A Hub changed where it decides files (or came or went): its orders are looked at again. */
  function hubChanged(name: string): void {
    const fingerprint = hubRenderFingerprint(hubCache?.hub(name));
    if (hubFingerprints.get(name) === fingerprint) return;
    hubFingerprints.set(name, fingerprint);
    if (!term) return;
    term.loop.markHub(name);
    for (const key of orders.keys()) {
      const raw = orders.get(key);
      if (raw?.metadata.annotations?.[Annotations.hub] === name && relevant(key, raw)) term.loop.markDirty(key);
    }
  }

  const startTerm = async () => {
    while (!(orders.synced && (hubCache?.synced ?? true)) && leading && !closing) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!leading || closing) return;
    let loop: CommitLoop;
    const housekeeping = new OrderHousekeeping({ rest, orders, loop: { hasFiles: (key) => loop.hasFiles(key), isSettled: (key) => loop.isSettled(key) }, logger, metrics, concurrency: config.concurrency });
    loop = new CommitLoop({
      repository: setup.repository,
      blobs,
      headerCache,
      orders,
      renderer,
      ...(hubs ? { hubs } : {}),
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
      onSettled: (keys) => housekeeping.settled(keys),
      onPushed: (pushed) => {
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

  await Promise.all([orders.start(), hubCache?.start()]);
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

  const server = probeServer({
    metrics,
    ready: () => (closing ? "shutting down" : !orders.synced ? "the order cache has not synced" : hubCache && !hubCache.synced ? "the hub cache has not synced" : undefined),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.metricsPort, config.bindAddress, () => resolve());
  });
  const metricsPort = (server.address() as AddressInfo).port;
  logger.info({ metricsPort, repository: config.repository, branch: config.branch, path: config.path, sealing: Boolean(setup.sealer), hubs: config.hubs, leaderElection: config.leaderElection.enabled }, "Started the committer");

  return {
    metricsPort,
    isLeader: () => leading,
    close: async () => {
      closing = true;
      clearInterval(ticker);
      await leadership.stop();
      await refresher?.stop();
      await orders.stop();
      await hubCache?.stop();
      blobs.close();
      rest.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      logger.info("Stopped the committer");
    },
  };
}

/** The watched Hubs as the commit loop reads them, each hub's renderer, and the generated Argo CD objects' settings. */
function hubDirectory(cache: HubCache, config: CommitterConfig, options: RenderOptions, setup: CommitterSetup): CommitterHubs {
  const { sealing: _own, ...base } = options;
  const renderers = new HubRenderers({ base, ...(setup.valueKey ? { valueKey: setup.valueKey } : {}), reseal: config.sealing?.reseal ?? false });
  return {
    hub: (name) => cache.hub(name),
    names: () => cache.hubs().map((hub) => hub.name),
    rendererFor: (hub) => renderers.for(hub),
    argoCd: { repoURL: config.argoCd.repoUrl ?? config.repository, targetRevision: config.branch, path: config.path, namespace: config.argoCd.namespace ?? "argocd" },
  };
}
