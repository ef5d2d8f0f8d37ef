import { z } from "zod";
import { processSettingsInput, processSettingsShape, type ProcessSettingsFlags } from "../../controller/runtime/process-settings.ts";
import { DEFAULT_SSVIRT_DATA_DIR } from "../database/open-database.ts";

/** The SSVirt controller's settings, parsed once at start-up from flags and the environment. */
export const SsvirtControllerConfigSchema = z
  .object({
    kubeconfig: z.string().min(1).optional(),
    databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
    dataDir: z.string().min(1),
    ...processSettingsShape,
    concurrency: z.coerce.number().int().min(1).max(64),
    /** How often SSVirt's `vdcs` and `organizations` are checked for a change. */
    pollIntervalMs: z.coerce.number().int().min(100, "must be at least 100 ms").max(60_000, "must be at most 60000 ms (VDC changes must show within seconds)"),
    /** How often everything is read and written again, whatever the change checks said. */
    resyncIntervalMs: z.coerce.number().int().min(1_000, "must be at least 1000 ms"),
    applyNamespaces: z.boolean(),
    vmStatus: z.boolean(),
  })
  .strict()
  .refine((config) => config.applyNamespaces || config.vmStatus, { message: "--no-apply-namespaces and --no-vm-status together leave nothing to do", path: ["applyNamespaces"] });

export type SsvirtControllerConfig = z.infer<typeof SsvirtControllerConfigSchema>;

export interface SsvirtControllerFlags extends ProcessSettingsFlags {
  kubeconfig?: string;
  "data-dir"?: string;
  concurrency?: string;
  "poll-interval-ms"?: string;
  "resync-interval-ms"?: string;
  "apply-namespaces"?: boolean;
  "vm-status"?: boolean;
}

/**
 * Environment: KUBECONFIG, SSVIRT_DATABASE_URL (else embedded PGlite under --data-dir),
 * POD_NAMESPACE (the Lease's namespace), POD_NAME (the leader identity), LOG_LEVEL.
 */
export function parseSsvirtControllerConfig(flags: SsvirtControllerFlags, env: Readonly<Record<string, string | undefined>>) {
  return SsvirtControllerConfigSchema.safeParse({
    ...(flags.kubeconfig ?? env.KUBECONFIG ? { kubeconfig: flags.kubeconfig ?? env.KUBECONFIG } : {}),
    ...(env.SSVIRT_DATABASE_URL ? { databaseUrl: env.SSVIRT_DATABASE_URL } : {}),
    dataDir: flags["data-dir"] ?? DEFAULT_SSVIRT_DATA_DIR,
    ...processSettingsInput(flags, env, { leaseName: "osac-vm-ssvirt", metricsPort: "8081" }),
    concurrency: flags.concurrency ?? "8",
    pollIntervalMs: flags["poll-interval-ms"] ?? "1000",
    resyncIntervalMs: flags["resync-interval-ms"] ?? "300000",
    applyNamespaces: flags["apply-namespaces"] ?? true,
    vmStatus: flags["vm-status"] ?? true,
  });
}

export function describeSsvirtControllerConfigErrors(error: z.ZodError): string[] {
  const names: Record<string, string> = {
    databaseUrl: "SSVIRT_DATABASE_URL",
    metricsPort: "--metrics-port",
    concurrency: "--concurrency",
    pollIntervalMs: "--poll-interval-ms",
    resyncIntervalMs: "--resync-interval-ms",
    applyNamespaces: "--no-apply-namespaces / --no-vm-status",
    logLevel: "--log-level / LOG_LEVEL",
  };
  return error.issues.map((issue) => `${names[String(issue.path[0])] ?? issue.path.join(".")}: ${issue.message}`);
}
