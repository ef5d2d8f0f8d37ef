import { hostname } from "node:os";
import { z } from "zod";

/** The controller's settings, parsed once at start-up from flags and the environment. */
export const ControllerConfigSchema = z
  .object({
    kubeconfig: z.string().min(1).optional(),
    databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
    dataDir: z.string().min(1),
    metricsPort: z.coerce.number().int().min(0, "must be 0 (any free port) to 65535").max(65535),
    bindAddress: z.string().min(1),
    concurrency: z.coerce.number().int().min(1).max(64),
    leaderElection: z.object({
      enabled: z.boolean(),
      namespace: z.string().min(1),
      name: z.string().min(1),
      identity: z.string().min(1),
    }),
    resyncIntervalMs: z.number().int().positive(),
    configVersionKeyFile: z.string().min(1).optional(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  })
  .strict();

export type ControllerConfig = z.infer<typeof ControllerConfigSchema>;

export interface ControllerFlags {
  kubeconfig?: string;
  "data-dir"?: string;
  "metrics-port"?: string;
  "bind-address"?: string;
  concurrency?: string;
  "leader-elect"?: boolean;
  "leader-election-namespace"?: string;
  "log-level"?: string;
  "config-version-key-file"?: string;
}

/**
 * Environment: KUBECONFIG, DATABASE_URL (else embedded PGlite under --data-dir), POD_NAMESPACE
 * (the Lease's namespace), POD_NAME (the leader identity), LOG_LEVEL.
 */
export function parseControllerConfig(flags: ControllerFlags, env: Readonly<Record<string, string | undefined>>) {
  return ControllerConfigSchema.safeParse({
    ...(flags.kubeconfig ?? env.KUBECONFIG ? { kubeconfig: flags.kubeconfig ?? env.KUBECONFIG } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: flags["data-dir"] ?? ".data",
    metricsPort: flags["metrics-port"] ?? "8080",
    bindAddress: flags["bind-address"] ?? "0.0.0.0",
    concurrency: flags.concurrency ?? "8",
    leaderElection: {
      enabled: flags["leader-elect"] ?? true,
      namespace: flags["leader-election-namespace"] ?? env.POD_NAMESPACE ?? "default",
      name: "osac-vm-controller",
      identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    },
    resyncIntervalMs: 300_000,
    ...(flags["config-version-key-file"] ? { configVersionKeyFile: flags["config-version-key-file"] } : {}),
    logLevel: flags["log-level"] ?? env.LOG_LEVEL ?? "info",
  });
}

export function describeControllerConfigErrors(error: z.ZodError): string[] {
  const names: Record<string, string> = { databaseUrl: "DATABASE_URL", metricsPort: "--metrics-port", concurrency: "--concurrency", logLevel: "--log-level / LOG_LEVEL" };
  return error.issues.map((issue) => `${names[String(issue.path[0])] ?? issue.path.join(".")}: ${issue.message}`);
}
