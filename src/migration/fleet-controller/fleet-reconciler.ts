import { isDeepStrictEqual } from "node:util";
import { KubeApiError, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import { BackupTooLargeError } from "../fleet/backup.ts";
import type { GitopsSettings } from "./gitops-reads.ts";
import { decideNextStep, type Step } from "../fleet/next-step.ts";
import { nextStatus } from "../fleet/next-status.ts";
import type { StepOutcome } from "../fleet/outcome.ts";
import { FLEET_MIGRATION_API_VERSION, FLEET_MIGRATION_PLURAL, type FleetMigration } from "../fleet/types.ts";
import { runAdopt } from "./adopt-step.ts";
import { runBackup } from "./backup-step.ts";
import { runPreflight, type PreflightOptions } from "./preflight-step.ts";
import { readBackup, runRollbackOrder } from "./rollback-step.ts";
import { runVerify } from "./verify-step.ts";
import { DATABASE_NOT_CONFIGURED } from "../fleet/database-verify.ts";
import type { DatabaseCheck } from "./database-check.ts";
import type { PlatformGate } from "./platform-gate.ts";
import { StepHeldError } from "./step-held.ts";

export interface FleetReconcilerDeps {
  readonly rest: KubeRestClient;
  readonly logger: Logger;
  /** Where the gitops target mode finds the committer's Lease and Argo CD's Applications (ADR 0034). */
  readonly gitops: GitopsSettings;
  readonly preflight: PreflightOptions;
  /** Holds Preflight and each batch's first adoption while the platform is unhealthy (ADR 0035). */
  readonly platform?: PlatformGate;
  /** Verify's status database check (ADR 0035); absent: "database not configured: not checked". */
  readonly database?: DatabaseCheck;
  /** Pause between steps (pacing; 0: the next step is queued at once). */
  readonly stepIntervalMs: number;
  readonly now?: () => Date;
  /** Called after each step with its kind and whether it succeeded (metrics). */
  readonly onStep?: (step: Step["kind"], outcome: "success" | "error" | "held") => void;
}

/** How often a gitops step looks again at what it waits for (the committer's push, Argo CD's sync). */
const GITOPS_POLL_MS = 1_000;

export function migrationPath(namespace: string, name: string, subresource?: string): string {
  return `/apis/${FLEET_MIGRATION_API_VERSION}/namespaces/${namespace}/${FLEET_MIGRATION_PLURAL}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ""}`;
}

/**
 * One FleetMigration key → one step (ADR 0032). Reads the object from the API server (never a
 * cache: the status is the migration's memory and must be the newest), decides the step from
 * spec and status alone, runs it (idempotent), and writes the new status with the
 * resourceVersion it read, so a concurrent writer makes the write fail and the step is decided
 * again from what that writer recorded.
 */
export class FleetMigrationReconciler {
  constructor(private readonly deps: FleetReconcilerDeps) {}

  async reconcile(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const [namespace = "", name = ""] = key.split("/");
    const answer = await this.deps.rest.request<FleetMigration>("GET", migrationPath(namespace, name), { allow404: true });
    if (answer.status === 404) return;
    const migration = answer.body;
    const step = decideNextStep(migration.spec, migration.status);
    const now = this.deps.now?.() ?? new Date();
    let status;
    let outcome: StepOutcome;
    try {
      outcome = await this.run(migration, step, now);
      status = nextStatus(migration, outcome, now);
      this.deps.onStep?.(step.kind, "success");
    } catch (error) {
      if (error instanceof StepHeldError) {
        this.deps.onStep?.(step.kind, "held");
        await this.writeStatus(migration, error.status);
        return { requeueAfterMs: error.retryInMs };
      }
      this.deps.onStep?.(step.kind, "error");
      throw error;
    }
    await this.writeStatus(migration, status);
    if (step.kind === "wait") return;
    if (outcome.kind === "adoptPending" || outcome.kind === "rollbackPending") return { requeueAfterMs: Math.max(GITOPS_POLL_MS, this.deps.stepIntervalMs) };
    this.deps.logger.debug({ kind: "FleetMigration", namespace, name, step: step.kind, ...("batch" in step ? { batch: step.batch } : {}) }, "Took a migration step");
    return { requeueAfterMs: this.deps.stepIntervalMs };
  }

  private async run(migration: FleetMigration, step: Step, now: Date): Promise<StepOutcome> {
    const { rest, logger, gitops } = this.deps;
    const batchOf = (index: number) => migration.status?.batches?.find((batch) => batch.index === index);
    await this.deps.platform?.ensureHealthy(migration, step, now);
    switch (step.kind) {
      case "preflight": {
        const outcome = await runPreflight(rest, migration, this.deps.preflight);
        logger.info(
          { kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batches: outcome.batches.length, refused: outcome.refused.map((order) => order.name) },
          "Ran the migration's preflight",
        );
        return outcome;
      }
      case "awaitApproval":
        logger.info({ kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batch: step.batch }, "Waiting for the batch's approval");
        return step;
      case "backup": {
        let backup;
        try {
          backup = await runBackup(rest, migration, step.batch, batchOf(step.batch)?.orders ?? [], now);
        } catch (error) {
          if (!(error instanceof BackupTooLargeError)) throw error;
          logger.warn({ kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batch: step.batch, err: error.message }, "Failed to back up the batch");
          return { kind: "backupFailed", batch: step.batch, reason: error.code, message: error.message };
        }
        const { secret, objects } = backup;
        logger.info({ kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batch: step.batch, secret, objects }, "Backed up the batch");
        return { kind: "backup", batch: step.batch, secret, objects };
      }
      case "adopt":
        await runAdopt(rest, migration, step.order, logger);
        return step;
      case "verify": {
        const batch = batchOf(step.batch);
        const result = await runVerify(rest, migration, batch?.orders ?? [], batch?.backupSecret ?? "", gitops);
        if ("pending" in result) {
          logger.debug({ kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batch: step.batch, pending: result.pending.length }, "Waiting for Argo CD to adopt the batch");
          return { kind: "adoptPending", batch: step.batch, pending: result.pending };
        }
        // The database is looked at once the cluster checks pass (a restarted VM fails the batch at once).
        const database: { note?: string; problems: readonly string[] } = result.problems.length > 0 ? { problems: [] } : ((await this.deps.database?.check(migration, step.batch, result.orders, now)) ?? { note: DATABASE_NOT_CONFIGURED, problems: [] });
        const problems = [...result.problems, ...database.problems];
        logger.info({ kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batch: step.batch, problems }, problems.length === 0 ? "Verified the batch" : "Failed to verify the batch");
        return { kind: "verify", batch: step.batch, problems, ...(database.note ? { note: database.note } : {}) };
      }
      case "rollbackOrder": {
        const batch = batchOf(step.batch);
        const backup = await readBackup(rest, migration.metadata.namespace, batch?.backupSecret ?? "");
        const result = await runRollbackOrder(rest, migration, backup, step.order, gitops, logger);
        if ("pending" in result) return { kind: "rollbackPending", batch: step.batch, order: step.order, pending: result.pending };
        const { restored } = result;
        logger.info({ kind: "VirtualMachine", namespace: migration.metadata.namespace, name: step.order, migration: migration.metadata.name, batch: step.batch, restored }, "Rolled back an order");
        return { kind: "rollbackOrder", batch: step.batch, order: step.order, restored };
      }
      case "finishBatchRollback":
        logger.info({ kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, batch: step.batch }, "Rolled back the batch");
        return step;
      case "wait":
        return step;
    }
  }

  private async writeStatus(migration: FleetMigration, status: FleetMigration["status"]): Promise<void> {
    if (isDeepStrictEqual(migration.status, status)) return;
    const body = { ...migration, status };
    try {
      await this.deps.rest.request("PUT", `${migrationPath(migration.metadata.namespace, migration.metadata.name, "status")}?fieldManager=osac-vm-migration`, { body, discardBody: true });
    } catch (error) {
      // Someone else wrote in between: the key is retried and decides again from their write.
      if (error instanceof KubeApiError && error.status === 409) throw new Error(`FleetMigration ${migration.metadata.namespace}/${migration.metadata.name} changed while a step ran; deciding again`, { cause: error });
      throw error;
    }
  }
}
