import type { KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { detectClusterAccess } from "../platform/kube/cluster-access.ts";
import { KubeRestClient } from "../platform/kube/rest-client.ts";
import type { Logger } from "../platform/logger.ts";
import { probeServer } from "../platform/probe-server.ts";
// Not the database index: it re-exports both backends' sessions, which would load PGlite and pg.
import { createObservationClock } from "../platform/database/observation-clock.ts";
import { openStatusStore } from "../platform/database/open-status-store.ts";
import type { StatusStore } from "../platform/database/status-store.ts";
import { HubRegistryController } from "../hubs/hub-registry-controller.ts";
import { Annotations } from "../api/well-known.ts";
import { HubWatchSets } from "./hubs/hub-watch-sets.ts";
import { ClusterCache } from "./cluster-cache.ts";
import type { ControllerConfig } from "./config.ts";
import { DatabaseSink } from "./database-sink.ts";
import { ControllerMetrics } from "./metrics.ts";
import { OrderReconciler } from "./order-reconciler.ts";
import { startLeadership } from "./runtime/leadership.ts";
import { WorkQueue } from "./runtime/work-queue.ts";

export interface RunningController {
  readonly metricsPort: number;
  readonly isLeader: () => boolean;
  close(): Promise<void>;
}

const MIGRATION_RETRY_MAX_MS = 10_000;

/**
 * Wires the controller: informers on every replica (so a new leader starts warm), the work queue
 * and reconciler only on the leader, status into the orders and the database, probes and metrics.
 */
export async function startController(
  config: ControllerConfig,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  options: { readonly configVersionKey?: KeyObject } = {},
): Promise<RunningController> {
  const access = detectClusterAccess(env, config.kubeconfig);
  if (access.mode === "standalone") {
    throw new Error(`the controller needs a cluster: set KUBECONFIG or --kubeconfig, or run it in a pod (${access.reason})`);
  }
  const metrics = new ControllerMetrics();
  const store = await openStatusStore({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir, logger });
  let migrated = false;
  let closing = false;
  const migrate = async (delayMs = 250): Promise<void> => {
    try {
      await store.migrate();
      migrated = true;
      logger.info({ backend: store.backend }, "Migrated the status database");
    } catch (error) {
      if (closing) return;
      logger.warn({ err: (error as Error).message, retryInMs: delayMs }, "Failed to migrate the status database; retrying");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return migrate(Math.min(delayMs * 2, MIGRATION_RETRY_MAX_MS));
    }
  };
  const migration = migrate();

  const rest = new KubeRestClient(access.kubeConfig);
  const sink = new DatabaseSink(store, logger, () => metrics.databaseWriteErrors.inc());
  let queue: WorkQueue | undefined;
  const cache = new ClusterCache({
    kubeConfig: access.kubeConfig,
    rest,
    logger,
    onOrderKey: (key) => queue?.add(key),
    onWatchRestart: (kind) => metrics.watchRestarts.inc({ watch: kind }),
    ...(config.scope ? { scope: config.scope } : {}),
  });
  let hubWatchSets: HubWatchSets | undefined;
  const hubRegistry = config.hubs.enabled
    ? new HubRegistryController({
        kubeConfig: access.kubeConfig,
        rest,
        logger,
        secretsNamespace: config.hubs.secretsNamespace,
        probeIntervalMs: config.hubs.probeIntervalMs,
        ...(config.scope ? { orderNamespaces: config.scope.orderNamespaces } : {}),
        onWatchRestart: (watch) => metrics.watchRestarts.inc({ watch: `hub-${watch}` }),
        onHubChanged: () => void hubWatchSets?.refresh(),
      })
    : undefined;
  // Status from every hub (ADR 31): one watch set per reachable hub; its events wake the orders placed there.
  if (hubRegistry) {
    hubWatchSets = new HubWatchSets({
      hubs: hubRegistry.cache,
      logger: logger.child({ component: "hub-watch-sets" }),
      onOrderKey: (key) => queue?.add(key),
      onHubChanged: (hub) => {
        for (const key of cache.orderKeys()) if (cache.order(key)?.metadata.annotations?.[Annotations.hub] === hub) queue?.add(key);
      },
      onWatchRestart: (kind) => metrics.watchRestarts.inc({ watch: `hub-children-${kind}` }),
      ...(config.scope ? { scope: config.scope } : {}),
    });
  }
  const reconciler = new OrderReconciler({
    cache,
    rest,
    sink,
    clock: createObservationClock(),
    logger,
    ...(hubWatchSets ? { hubs: hubWatchSets } : {}),
    ...(options.configVersionKey ? { configVersionKey: options.configVersionKey } : {}),
  });

  const startQueue = () => {
    sink.forgetWritten();
    queue = new WorkQueue((key) => reconciler.reconcile(key), { concurrency: config.concurrency }, {
      onError: (key, error, attempt, retryInMs) =>
        logger.warn({ order: key, err: (error as Error).message, attempt, retryInMs }, retryInMs === undefined ? "Gave up reconciling an order" : "Failed to reconcile an order; will retry"),
      onDone: (_key, durationMs, outcome) => metrics.reconcileDuration.observe({ outcome }, durationMs / 1000),
    });
    queue.start();
    for (const key of cache.orderKeys()) queue.add(key);
    hubRegistry?.startLeading();
  };
  const stopQueue = async () => {
    const current = queue;
    queue = undefined;
    await Promise.all([current?.shutdown(), hubRegistry?.stopLeading()]);
  };

  await Promise.all([cache.start(), hubRegistry?.start()]);
  await hubWatchSets?.refresh();
  // The controller's queue stops in the background: the Lease is released without waiting for it.
  const leadership = startLeadership(config.leaderElection, access.kubeConfig, logger, metrics.leader, { start: startQueue, stop: () => void stopQueue() });

  const ticker = setInterval(() => {
    metrics.queueDepth.set(queue?.depth ?? 0);
    metrics.orders.set(cache.orderCount);
    metrics.databaseBacklog.set(sink.backlog);
  }, 1_000);
  ticker.unref();
  const resync = setInterval(() => {
    for (const key of cache.orderKeys()) queue?.add(key);
  }, config.resyncIntervalMs);
  resync.unref();

  const server = probeServer({ metrics, ready: () => (closing ? "shutting down" : !cache.synced || hubRegistry?.synced === false ? "caches have not synced" : !migrated ? "status database not migrated yet" : undefined) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.metricsPort, config.bindAddress, () => resolve());
  });
  const metricsPort = (server.address() as AddressInfo).port;
  logger.info(
    { metricsPort, backend: store.backend, leaderElection: config.leaderElection.enabled, hubRegistry: config.hubs.enabled, ...(config.scope ?? { scope: "cluster" }) },
    "Started the controller",
  );

  return {
    metricsPort,
    isLeader: () => leadership.isLeader,
    close: async () => {
      closing = true;
      clearInterval(ticker);
      clearInterval(resync);
      await stopQueue();
      await leadership.stop();
      await cache.stop();
      await hubWatchSets?.stop();
      await hubRegistry?.stop();
      await sink.close();
      await migration.catch(() => {});
      await closeStore(store);
      rest.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      logger.info("Stopped the controller");
    },
  };
}

async function closeStore(store: StatusStore): Promise<void> {
  try {
    await store.close();
  } catch {
    // The process is stopping; a database that is already gone has nothing left to flush.
  }
}
