import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import { WorkQueue } from "../../controller/runtime/work-queue.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../../platform/kube/supervised-informer.ts";
import type { Logger } from "../../platform/logger.ts";
import { probeServer } from "../../platform/probe-server.ts";
import type { GitopsSettings } from "./gitops-reads.ts";
import { FLEET_MIGRATION_API_VERSION, FLEET_MIGRATION_PLURAL, type FleetMigration, type Phase } from "../fleet/types.ts";
import type { RolloutStrategy } from "../restart/rollout-strategy.ts";
import { DatabaseCheck } from "./database-check.ts";
import { FleetMigrationReconciler } from "./fleet-reconciler.ts";
import { PlatformGate } from "./platform-gate.ts";
import { StatusDatabase } from "./status-database.ts";
import { MigrationMetrics } from "./metrics.ts";

export interface MigrationControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** Watch FleetMigrations only in this namespace (default: all). */
  readonly namespace?: string;
  readonly metricsPort: number;
  readonly bindAddress: string;
  readonly stepIntervalMs: number;
  readonly resyncIntervalMs: number;
  readonly rolloutStrategy?: RolloutStrategy;
  readonly storageClassEnv?: string;
  /** Probe the project's admission webhook in the platform check (false: `--no-webhook-check`). @default true */
  readonly webhookCheck?: boolean;
  /** The order controller's status database (PostgreSQL) that Verify reads; absent: not checked. */
  readonly databaseUrl?: string;
  /** How long Verify waits for the status database rows. @default 300_000 */
  readonly databaseWaitMs?: number;
  /** The gitops target mode's committer Lease and Argo CD namespaces (ADR 0034). */
  readonly gitops: GitopsSettings;
}

export interface RunningMigrationController {
  readonly metricsPort: number;
  close(): Promise<void>;
}

const PHASES: readonly Phase[] = ["Pending", "AwaitingApproval", "Migrating", "Paused", "Succeeded", "Failed", "RollingBack", "RolledBack"];

/**
 * `osac-vm migrate controller`: a watch on FleetMigrations wakes a key when one is created or its
 * spec changes (generation ahead of observedGeneration: an approval, a rollback, a pause); from
 * then on each reconcile takes one step and queues the next. The state lives in the status only,
 * so a restarted process resumes where the last written status says (ADR 0032). One replica.
 */
export async function startMigrationController(options: MigrationControllerOptions): Promise<RunningMigrationController> {
  const { logger } = options;
  const rest = new KubeRestClient(options.kubeConfig, 30_000);
  const metrics = new MigrationMetrics();
  const database = new DatabaseCheck(options.databaseUrl ? await StatusDatabase.open(options.databaseUrl, logger) : undefined, logger, { waitMs: options.databaseWaitMs ?? 300_000, pollMs: 2_000 });
  const reconciler = new FleetMigrationReconciler({
    rest,
    logger,
    gitops: options.gitops,
    preflight: { ...(options.rolloutStrategy ? { rolloutStrategy: options.rolloutStrategy } : {}), ...(options.storageClassEnv ? { storageClassEnv: options.storageClassEnv } : {}) },
    stepIntervalMs: options.stepIntervalMs,
    platform: new PlatformGate(rest, logger, { webhook: options.webhookCheck ?? true, committerLeaseNamespace: options.gitops.committerLeaseNamespace }),
    database,
    onStep: (step, outcome) => metrics.steps.inc({ step, outcome }),
  });
  const queue = new WorkQueue((key) => reconciler.reconcile(key), { concurrency: 4 }, {
    onError: (key, error, attempt, retryInMs) => logger.warn({ migration: key, err: (error as Error).message, attempt, retryInMs }, "Failed a migration step; will retry"),
  });
  const path = options.namespace
    ? `/apis/${FLEET_MIGRATION_API_VERSION}/namespaces/${encodeURIComponent(options.namespace)}/${FLEET_MIGRATION_PLURAL}`
    : `/apis/${FLEET_MIGRATION_API_VERSION}/${FLEET_MIGRATION_PLURAL}`;
  const keyOf = (object: FleetMigration) => `${object.metadata.namespace}/${object.metadata.name}`;
  const informer = new SupervisedInformer<FleetMigration & { metadata: { name: string } }>({
    kubeConfig: options.kubeConfig,
    path,
    list: () => listAllPages(rest, path) as never,
    logger: logger.child({ watch: "fleetmigrations" }),
    onChange: () => {},
    onEvent: (object) => {
      // Our own status writes come back as events too: only a spec change (or a new object) wakes
      // the key, so the pace between steps stays the reconciler's.
      if (object.status?.observedGeneration !== object.metadata.generation) queue.add(keyOf(object));
      exportGauges(metrics, object);
    },
  });
  queue.start();
  await informer.start();
  const addAll = () => {
    for (const object of informer.list()) {
      queue.add(keyOf(object));
      exportGauges(metrics, object);
    }
  };
  const firstSync = setInterval(() => {
    if (!informer.hasSynced) return;
    clearInterval(firstSync);
    addAll();
  }, 100);
  const resync = setInterval(addAll, options.resyncIntervalMs);
  resync.unref();

  const server = probeServer({ metrics, ready: () => (informer.hasSynced ? undefined : "the FleetMigration watch has not synced") });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.metricsPort, options.bindAddress, () => resolve());
  });
  const metricsPort = (server.address() as AddressInfo).port;
  logger.info(
    { metricsPort, namespace: options.namespace ?? "all", stepIntervalMs: options.stepIntervalMs, webhookCheck: options.webhookCheck ?? true, statusDatabase: options.databaseUrl ? "PostgreSQL" : "not configured" },
    "Started the migration controller",
  );
  return {
    metricsPort,
    close: async () => {
      clearInterval(firstSync);
      clearInterval(resync);
      await queue.shutdown();
      await informer.stop();
      rest.close();
      await database.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      logger.info("Stopped the migration controller");
    },
  };
}

function exportGauges(metrics: MigrationMetrics, object: FleetMigration): void {
  const labels = { migration_namespace: object.metadata.namespace, migration: object.metadata.name };
  for (const phase of PHASES) metrics.phase.set({ ...labels, phase }, object.status?.phase === phase ? 1 : 0);
  metrics.adopted.set(labels, object.status?.adopted ?? 0);
  metrics.total.set(labels, object.status?.total ?? 0);
}
