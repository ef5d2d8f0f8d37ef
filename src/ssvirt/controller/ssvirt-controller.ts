import type { AddressInfo } from "node:net";
import { startLeadership } from "../../controller/runtime/leadership.ts";
import { WorkQueue } from "../../controller/runtime/work-queue.ts";
import type { SqlSession } from "../../platform/database/sql-session.ts";
import { detectClusterAccess } from "../../platform/kube/cluster-access.ts";
import { EventRecorder } from "../../platform/kube/event-recorder.ts";
import { KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import { probeServer } from "../../platform/probe-server.ts";
import { openSsvirtDatabase, prepareSsvirtSchema } from "../database/open-database.ts";
import type { SsvirtControllerConfig } from "./config.ts";
import { DatabaseGate } from "./database-gate.ts";
import { SsvirtCaches, type SsvirtWatchedKind } from "./informers.ts";
import { SsvirtMetrics } from "./metrics.ts";
import { VdcDirectory } from "./vdc-directory.ts";
import { VdcReconciler } from "./vdc-reconciler.ts";
import { VdcSource } from "./vdc-source.ts";
import { VmStatusReconciler } from "./vm-status-reconciler.ts";

export interface RunningSsvirtController {
  readonly metricsPort: number;
  readonly isLeader: () => boolean;
  close(): Promise<void>;
}

const SCHEMA_RETRY_MAX_MS = 10_000;

/**
 * Wires `osac-vm ssvirt controller`: caches on every replica (a new leader starts warm); on the
 * Lease holder only, the VDC poller, the VDC namespace reconciler and the VM status sync, each
 * with its own work queue; probes and metrics on every replica.
 */
export async function startSsvirtController(config: SsvirtControllerConfig, env: Readonly<Record<string, string | undefined>>, logger: Logger): Promise<RunningSsvirtController> {
  const access = detectClusterAccess(env, config.kubeconfig);
  if (access.mode === "standalone") throw new Error(`the SSVirt controller needs a cluster: set KUBECONFIG or --kubeconfig, or run it in a pod (${access.reason})`);
  const metrics = new SsvirtMetrics();
  const session: SqlSession = await openSsvirtDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    dataDir: config.dataDir,
    logger,
    connectionTimeoutMs: 2_000,
    queryTimeoutMs: 10_000,
  });
  let closing = false;
  let schemaReady = false;
  const prepare = async (delayMs = 250): Promise<void> => {
    try {
      const { created } = await prepareSsvirtSchema(session);
      schemaReady = true;
      logger.info({ backend: session.backend, created }, created ? "Created SSVirt's schema in the embedded database" : "Checked SSVirt's database schema");
    } catch (error) {
      if (closing) return;
      logger.warn({ err: (error as Error).message, retryInMs: delayMs }, "Failed to check SSVirt's database schema; retrying");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return prepare(Math.min(delayMs * 2, SCHEMA_RETRY_MAX_MS));
    }
  };
  const preparing = prepare();

  const rest = new KubeRestClient(access.kubeConfig);
  const events = new EventRecorder({ rest, component: "osac-vm-ssvirt", instance: config.leaderElection.identity, logger, onResult: (result) => metrics.events.inc({ result }) });
  const directory = new VdcDirectory();
  let vdcQueue: WorkQueue | undefined;
  let vmQueue: WorkQueue | undefined;
  const forcedVdcs = new Set<string>();

  const kinds: SsvirtWatchedKind[] = config.applyNamespaces ? ["virtualMachines", "virtualMachineInstances", "services"] : ["virtualMachines", "virtualMachineInstances"];
  let vmReconciler: VmStatusReconciler | undefined;
  const caches = new SsvirtCaches({
    kubeConfig: access.kubeConfig,
    rest,
    logger,
    kinds,
    onRestart: (kind) => metrics.watchRestarts.inc({ watch: kind }),
    onEvent: (kind, object, gone) => {
      const namespace = object.metadata.namespace ?? "";
      if (!directory.has(namespace)) return;
      if (kind === "services") return vdcQueue?.add(namespace);
      // A VM or VMI came or went: a deleted VDC's namespace may now be empty.
      if (gone && directory.entry(namespace)?.kind === "deleted") vdcQueue?.add(namespace);
      const name = kind === "virtualMachines" ? object.metadata.name : vmOwnerOf(object);
      if (!name) return;
      if (kind === "virtualMachines" && gone) vmReconciler?.rememberDeleted(object);
      vmQueue?.add(`${namespace}/${name}`);
    },
  });
  const vdcReconciler = new VdcReconciler({
    directory,
    loadBalancers: (namespace) => caches.list("services", namespace).filter((service) => service.spec?.type === "LoadBalancer").map((service) => ({ ports: service.spec?.ports ?? [] })),
    vmsIn: (namespace) => [...caches.list("virtualMachines", namespace), ...caches.list("virtualMachineInstances", namespace)].map((object) => object.metadata.name ?? ""),
    rest,
    events,
    metrics,
    logger,
  });
  const gate = new DatabaseGate({
    probe: async () => {
      await session.query("SELECT 1");
    },
    release: (keys) => {
      for (const key of keys) vmQueue?.add(key);
    },
    logger,
    onChange: (open, waiting) => {
      metrics.databaseAvailable.set(open ? 1 : 0);
      metrics.databaseWaiting.set(waiting);
    },
  });
  vmReconciler = new VmStatusReconciler({
    isVdcNamespace: (namespace) => directory.has(namespace),
    vm: (namespace, name) => caches.get("virtualMachines", namespace, name),
    vmi: (namespace, name) => caches.get("virtualMachineInstances", namespace, name),
    session,
    gate,
    events,
    metrics,
    logger,
  });

  let forcedRead = false;
  const vmKeysIn = (namespaces: readonly string[]) => namespaces.flatMap((namespace) => caches.list("virtualMachines", namespace).map((vm) => `${namespace}/${vm.metadata.name}`));
  let firstReading = true;
  const source = new VdcSource({
    db: session,
    pollIntervalMs: config.pollIntervalMs,
    logger,
    metrics,
    onViews: (views) => {
      const { changed, problemsChanged } = directory.update(views);
      if (problemsChanged) for (const problem of directory.problems) logger.warn({ problem }, "Left a VDC row alone: it cannot be acted on");
      metrics.vdcProblems.set(directory.problems.length);
      const counts = directory.counts();
      metrics.vdcNamespaces.set({ state: "enabled" }, counts.enabled);
      metrics.vdcNamespaces.set({ state: "disabled" }, counts.disabled);
      const all = firstReading || forcedRead;
      const namespaces = all ? directory.namespaces() : changed;
      if (all) for (const namespace of namespaces) forcedVdcs.add(namespace);
      for (const namespace of namespaces) if (config.applyNamespaces) vdcQueue?.add(namespace);
      if (config.vmStatus) {
        for (const key of vmKeysIn(all ? directory.namespaces() : changed.filter((namespace) => directory.has(namespace)))) {
          if (all) vmReconciler!.force(key);
          vmQueue?.add(key);
        }
      }
      firstReading = false;
      forcedRead = false;
    },
  });

  const startLeading = () => {
    vdcReconciler.forget();
    vmReconciler!.forget();
    firstReading = true;
    const hooks = (queue: "vdc" | "vm") => ({
      onError: (key: string, error: unknown, attempt: number, retryInMs: number | undefined) =>
        logger.warn({ queue, key, err: (error as Error).message, attempt, retryInMs }, retryInMs === undefined ? "Gave up reconciling a key" : "Failed to reconcile a key; will retry"),
      onDone: (_key: string, durationMs: number, outcome: string) => metrics.reconcileDuration.observe({ queue, outcome }, durationMs / 1000),
    });
    if (config.applyNamespaces) {
      vdcQueue = new WorkQueue((namespace) => vdcReconciler.reconcile(namespace, forcedVdcs.delete(namespace)), { concurrency: Math.min(config.concurrency, 4) }, hooks("vdc"));
      vdcQueue.start();
    }
    if (config.vmStatus) {
      vmQueue = new WorkQueue((key) => vmReconciler!.reconcile(key), { concurrency: config.concurrency }, hooks("vm"));
      vmQueue.start();
    }
    source.start();
  };
  const stopLeading = async () => {
    await source.stop();
    const queues = [vdcQueue, vmQueue];
    vdcQueue = undefined;
    vmQueue = undefined;
    await Promise.all(queues.map((queue) => queue?.shutdown()));
  };

  await caches.start();
  // Probes are served while SSVirt's database is still unreachable: live, not ready, saying why
  // (a pod is not restarted for a database that is down when it starts).
  const server = probeServer({ metrics, ready: () => (closing ? "shutting down" : !caches.synced ? "caches have not synced" : !schemaReady ? "SSVirt's database schema not checked yet" : undefined) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.metricsPort, config.bindAddress, () => resolve());
  });
  const metricsPort = (server.address() as AddressInfo).port;
  await preparing;
  const leadership = startLeadership(config.leaderElection, access.kubeConfig, logger, metrics.leader, { start: startLeading, stop: stopLeading });

  const ticker = setInterval(() => {
    metrics.queueDepth.set({ queue: "vdc" }, vdcQueue?.depth ?? 0);
    metrics.queueDepth.set({ queue: "vm" }, vmQueue?.depth ?? 0);
    metrics.vdcNamespaces.set({ state: "retained" }, vdcReconciler.retainedCount);
  }, 1_000);
  ticker.unref();
  const resync = setInterval(() => {
    forcedRead = true;
    source.requestFullRead();
  }, config.resyncIntervalMs);
  resync.unref();

  logger.info({ metricsPort, backend: session.backend, leaderElection: config.leaderElection.enabled, applyNamespaces: config.applyNamespaces, vmStatus: config.vmStatus }, "Started the SSVirt controller");

  return {
    metricsPort,
    isLeader: () => leadership.isLeader,
    close: async () => {
      closing = true;
      clearInterval(ticker);
      clearInterval(resync);
      await leadership.stop();
      gate.stop();
      await caches.stop();
      await events.close();
      await preparing.catch(() => {});
      await session.close().catch(() => undefined);
      rest.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      logger.info("Stopped the SSVirt controller");
    },
  };
}

/** The VirtualMachine that owns a VMI (KubeVirt sets the ownerReference; the names are equal). */
function vmOwnerOf(vmi: { metadata: { ownerReferences?: { kind?: string; apiVersion?: string; name?: string }[] } }): string | undefined {
  return vmi.metadata.ownerReferences?.find((owner) => owner.kind === "VirtualMachine" && owner.apiVersion?.startsWith("kubevirt.io/"))?.name;
}
