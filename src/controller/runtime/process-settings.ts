import { hostname } from "node:os";
import { z } from "zod";

/**
 * The settings every long-running process with a Lease shares (the controller, the committer, the
 * SSVirt controller): where its probes and metrics listen, its leader election and its log level.
 * Spread into each process's own schema, so the three read, default and check them one way.
 */
export const processSettingsShape = {
  metricsPort: z.coerce.number().int().min(0, "must be 0 (any free port) to 65535").max(65535),
  bindAddress: z.string().min(1),
  leaderElection: z.object({ enabled: z.boolean(), namespace: z.string().min(1), name: z.string().min(1), identity: z.string().min(1) }),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
};

export interface ProcessSettingsFlags {
  "metrics-port"?: string;
  "bind-address"?: string;
  "leader-elect"?: boolean;
  "leader-election-namespace"?: string;
  "log-level"?: string;
}

/**
 * The unparsed input for `processSettingsShape` from flags and the environment: POD_NAMESPACE (the
 * Lease's namespace), POD_NAME (the leader identity), LOG_LEVEL.
 */
export function processSettingsInput(flags: ProcessSettingsFlags, env: Readonly<Record<string, string | undefined>>, defaults: { readonly leaseName: string; readonly metricsPort: string }) {
  return {
    metricsPort: flags["metrics-port"] ?? defaults.metricsPort,
    bindAddress: flags["bind-address"] ?? "0.0.0.0",
    leaderElection: {
      enabled: flags["leader-elect"] ?? true,
      namespace: flags["leader-election-namespace"] ?? env.POD_NAMESPACE ?? "default",
      name: defaults.leaseName,
      identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    },
    logLevel: flags["log-level"] ?? env.LOG_LEVEL ?? "info",
  };
}
