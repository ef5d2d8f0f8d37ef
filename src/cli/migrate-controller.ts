import { detectClusterAccess } from "../platform/kube/cluster-access.ts";
import { createLogger } from "../platform/logger.ts";
import { UsageError } from "./arguments.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { serveUntilSignal } from "./serve-until-signal.ts";
import { DEFAULT_ARGOCD_NAMESPACE } from "../migration/fleet-controller/gitops-reads.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

interface ControllerFlags {
  readonly kubeconfig?: string;
  readonly "watch-namespace"?: string;
  readonly "metrics-port"?: string;
  readonly "bind-address"?: string;
  readonly "step-interval-ms"?: string;
  readonly "resync-interval-ms"?: string;
  readonly "rollout-strategy"?: string;
  readonly "log-level"?: string;
  readonly "database-url"?: string;
  readonly "database-wait-seconds"?: string;
  readonly "no-webhook-check"?: boolean;
  readonly "argocd-namespace"?: string;
  readonly "committer-lease-namespace"?: string;
}

function whole(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) > max) throw new UsageError(`--${flag} '${text}' is not a whole number from 0 to ${max}`);
  return Number(text);
}

/** `osac-vm migrate controller`: runs until SIGTERM/SIGINT. */
export async function runMigrationController(values: ControllerFlags, terminal: Terminal): Promise<number> {
  const metricsPort = whole("metrics-port", values["metrics-port"], 8080, 65_535);
  const stepIntervalMs = whole("step-interval-ms", values["step-interval-ms"], 0, 3_600_000);
  const resyncIntervalMs = whole("resync-interval-ms", values["resync-interval-ms"], 60_000, 86_400_000);
  const strategy = values["rollout-strategy"];
  if (strategy !== undefined && strategy !== "LiveUpdate" && strategy !== "Stage") throw new UsageError(`--rollout-strategy '${strategy}' is not known; use LiveUpdate or Stage`);
  const databaseWaitSeconds = whole("database-wait-seconds", values["database-wait-seconds"], 300, 86_400);
  const databaseUrl = values["database-url"] ?? terminal.env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError("--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL (the migration controller reads the order controller's PostgreSQL; an embedded PGlite is not shared)");
  const level = values["log-level"] ?? terminal.env.LOG_LEVEL ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level '${level}' is not known; use one of ${LOG_LEVELS.join(", ")}`);
  const access = detectClusterAccess(terminal.env, values.kubeconfig);
  if (access.mode === "standalone") {
    terminal.stderr.write(`osac-vm migrate controller: no cluster access: ${access.reason}; set KUBECONFIG or --kubeconfig\n`);
    return ExitCode.invalid;
  }
  const logger = createLogger({ name: "osac-vm-migration", level: level as (typeof LOG_LEVELS)[number] });
  const { startMigrationController } = await import("../migration/fleet-controller/controller.ts");
  const start = () =>
    startMigrationController({
      kubeConfig: access.kubeConfig,
      logger,
      ...(values["watch-namespace"] ? { namespace: values["watch-namespace"] } : {}),
      metricsPort,
      bindAddress: values["bind-address"] ?? "0.0.0.0",
      stepIntervalMs,
      resyncIntervalMs,
      ...(strategy ? { rolloutStrategy: strategy } : {}),
      webhookCheck: values["no-webhook-check"] !== true,
      ...(databaseUrl ? { databaseUrl } : {}),
      databaseWaitMs: databaseWaitSeconds * 1000,
      gitops: {
        argocdNamespace: values["argocd-namespace"] ?? DEFAULT_ARGOCD_NAMESPACE,
        committerLeaseNamespace: values["committer-lease-namespace"] ?? terminal.env.POD_NAMESPACE ?? "default",
      },
      ...(terminal.env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS ? { storageClassEnv: terminal.env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS } : {}),
    });
  return serveUntilSignal("migrate controller", "migration controller", start, logger, terminal);
}
