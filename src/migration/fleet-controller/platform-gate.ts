import { exponentialBackoffMs } from "../../controller/runtime/backoff.ts";
import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import { heldStatus, needsPlatformCheck, platformUnhealthyCondition } from "../fleet/held-status.ts";
import type { Step } from "../fleet/next-step.ts";
import type { PlatformHealth } from "../fleet/platform-health.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { withCommitter } from "../fleet-gitops/committer-lease.ts";
import { readCommitterHealth } from "./gitops-reads.ts";
import { readPlatformHealth } from "./platform-health-reads.ts";
import { StepHeldError } from "./step-held.ts";

export interface PlatformGateOptions {
  /** Probe the project's webhook (false: `--no-webhook-check`, a platform installed without admission). */
  readonly webhook: boolean;
  /** Where a gitops target's committer holds its Lease (ADR 0034): part of the platform for that target. */
  readonly committerLeaseNamespace: string;
  /** First retry after an unhealthy check; doubles up to `maxRetryMs`. */
  readonly initialRetryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * Before the plan and before each batch's first adoption (`needsPlatformCheck`), the platform
 * must be healthy (ADR 0035; for a gitops target the committer too, ADR 0034); otherwise the step is held: the Preflight or Adopt condition says
 * `PlatformUnhealthy` and names each failed check, and the migration looks again with backoff.
 */
export class PlatformGate {
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly rest: Pick<KubeRestClient, "request">,
    private readonly logger: Logger,
    private readonly options: PlatformGateOptions,
  ) {}

  /** Resolves when the step may run; throws StepHeldError when the platform is unhealthy. */
  async ensureHealthy(migration: FleetMigration, step: Step, now: Date): Promise<void> {
    if (!needsPlatformCheck(step, migration.status)) return;
    const key = `${migration.metadata.namespace}/${migration.metadata.name}`;
    const health = await this.check(migration, now);
    const where = { kind: "FleetMigration", namespace: migration.metadata.namespace, name: migration.metadata.name, step: step.kind, ...("batch" in step ? { batch: step.batch } : {}) };
    if (health.healthy) {
      if (this.attempts.delete(key)) this.logger.info({ ...where, checks: health.evidence }, "Found the platform healthy again");
      return;
    }
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const retryInMs = exponentialBackoffMs(attempt, this.options.initialRetryMs ?? 1_000, this.options.maxRetryMs ?? 30_000);
    this.logger.warn({ ...where, problems: health.problems, attempt, retryInMs }, "Found the platform unhealthy; holding the migration");
    throw new StepHeldError(heldStatus(migration, platformUnhealthyCondition(step, migration.status, health.problems), now), retryInMs, `the platform is unhealthy: ${health.problems.join("; ")}`);
  }

  private async check(migration: FleetMigration, now: Date): Promise<PlatformHealth> {
    try {
      const platform = await readPlatformHealth(this.rest, migration.metadata.namespace, { webhook: this.options.webhook });
      if (migration.spec.targetMode !== "gitops") return platform;
      return withCommitter(platform, await readCommitterHealth(this.rest, this.options.committerLeaseNamespace, now));
    } catch (error) {
      return { healthy: false, problems: [`cannot check the platform: ${(error as Error).message}`], evidence: [] };
    }
  }
}
