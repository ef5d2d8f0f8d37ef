import { z } from "zod";
import { processSettingsInput, processSettingsShape, type ProcessSettingsFlags } from "./runtime/process-settings.ts";

const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const namespaceList = z.array(z.string().max(63, "must be at most 63 characters").regex(NAMESPACE_NAME, "must be a namespace name (DNS-1123 label)")).min(1, "must name at least one namespace");

/**
 * Namespace scope: orders are watched (and patched) only in `orderNamespaces`, their children only
 * in `tenantNamespaces`, so that namespaced Roles suffice (chart value controller.watchNamespaces).
 * Absent: everything cluster-wide.
 */
export const WatchScopeSchema = z.object({ orderNamespaces: namespaceList, tenantNamespaces: namespaceList }).strict();
export type WatchScope = z.infer<typeof WatchScopeSchema>;

/** The controller's settings, parsed once at start-up from flags and the environment. */
export const ControllerConfigSchema = z
  .object({
    kubeconfig: z.string().min(1).optional(),
    databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
    dataDir: z.string().min(1),
    ...processSettingsShape,
    concurrency: z.coerce.number().int().min(1).max(64),
    scope: WatchScopeSchema.optional(),
    resyncIntervalMs: z.number().int().positive(),
    configVersionKeyFile: z.string().min(1).optional(),
    /** OSAC_VM_HUB_REGISTRY=on: probe every Hub and write its status (docs/adr/0024-hub-registry-and-placement.md). */
    hubs: z.object({
      enabled: z.enum(["on", "off"], { message: "must be on or off" }).transform((value) => value === "on"),
      secretsNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a namespace name").max(63),
      probeIntervalMs: z.number().int().min(1_000, "must be at least 1 second").max(3_600_000, "must be at most 1 hour"),
    }),
  })
  .strict();

export type ControllerConfig = z.infer<typeof ControllerConfigSchema>;

export interface ControllerFlags extends ProcessSettingsFlags {
  kubeconfig?: string;
  "data-dir"?: string;
  concurrency?: string;
  "order-namespaces"?: string;
  "tenant-namespaces"?: string;
  "config-version-key-file"?: string;
  "hub-secrets-namespace"?: string;
  "hub-probe-interval-seconds"?: string;
}

/** `a, b,c` → [a, b, c]; undefined when the flag is absent. */
const splitList = (value: string | undefined) => (value === undefined ? undefined : value.split(",").map((item) => item.trim()).filter(Boolean));

/**
 * Environment: KUBECONFIG, DATABASE_URL (else embedded PGlite under --data-dir), POD_NAMESPACE
 * (the Lease's namespace), POD_NAME (the leader identity), LOG_LEVEL, OSAC_VM_HUB_REGISTRY (on|off),
 * OSAC_VM_HUB_SECRETS_NAMESPACE (else POD_NAMESPACE, else osac-vm-gitops).
 */
export function parseControllerConfig(flags: ControllerFlags, env: Readonly<Record<string, string | undefined>>) {
  const orderNamespaces = splitList(flags["order-namespaces"]);
  const tenantNamespaces = splitList(flags["tenant-namespaces"]);
  return ControllerConfigSchema.safeParse({
    ...(flags.kubeconfig ?? env.KUBECONFIG ? { kubeconfig: flags.kubeconfig ?? env.KUBECONFIG } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: flags["data-dir"] ?? ".data",
    ...processSettingsInput(flags, env, { leaseName: "osac-vm-controller", metricsPort: "8080" }),
    concurrency: flags.concurrency ?? "8",
    // Both or neither: a half scope would need cluster-wide access after all.
    ...(orderNamespaces || tenantNamespaces ? { scope: { orderNamespaces: orderNamespaces ?? [], tenantNamespaces: tenantNamespaces ?? [] } } : {}),
    resyncIntervalMs: 300_000,
    ...(flags["config-version-key-file"] ? { configVersionKeyFile: flags["config-version-key-file"] } : {}),
    hubs: {
      enabled: env.OSAC_VM_HUB_REGISTRY ?? "off",
      secretsNamespace: flags["hub-secrets-namespace"] ?? env.OSAC_VM_HUB_SECRETS_NAMESPACE ?? env.POD_NAMESPACE ?? "osac-vm-gitops",
      probeIntervalMs: flags["hub-probe-interval-seconds"] === undefined ? 30_000 : Math.round(Number(flags["hub-probe-interval-seconds"]) * 1000),
    },
  });
}

export function describeControllerConfigErrors(error: z.ZodError): string[] {
  const names: Record<string, string> = {
    databaseUrl: "DATABASE_URL",
    metricsPort: "--metrics-port",
    concurrency: "--concurrency",
    logLevel: "--log-level / LOG_LEVEL",
    "scope.orderNamespaces": "--order-namespaces",
    "scope.tenantNamespaces": "--tenant-namespaces",
    "hubs.enabled": "OSAC_VM_HUB_REGISTRY",
    "hubs.secretsNamespace": "--hub-secrets-namespace / OSAC_VM_HUB_SECRETS_NAMESPACE",
    "hubs.probeIntervalMs": "--hub-probe-interval-seconds",
  };
  return error.issues.map((issue) => {
    const flag = names[issue.path.slice(0, 2).join(".")] ?? names[String(issue.path[0])];
    const item = flag && issue.path.length > 2 ? ` entry ${Number(issue.path[2]) + 1}` : "";
    return `${flag ? flag + item : issue.path.join(".")}: ${issue.message}`;
  });
}
