import { z } from "zod";
import { WatchScopeSchema } from "../../controller/config.ts";
import { processSettingsInput, processSettingsShape, type ProcessSettingsFlags } from "../../controller/runtime/process-settings.ts";
import { credentialsInUrl } from "../git/redact.ts";

/** `500ms`, `1s`, `1.5s`, `2m`: a duration in milliseconds, or undefined when unreadable. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]) * { ms: 1, s: 1_000, m: 60_000 }[match[2] as "ms" | "s" | "m"];
  return Number.isFinite(value) ? Math.round(value) : undefined;
}

const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$|-)[A-Za-z0-9._/-]+$/;
const TREE_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]*$/;
const AUTHOR = /^([^<>\n]+?)\s*<([^<>\s]+@[^<>\s]+)>$/;

/** The committer's settings, parsed once at start-up from flags and the environment. */
export const CommitterConfigSchema = z
  .object({
    kubeconfig: z.string().min(1).optional(),
    /** Orders are watched (and patched) only in these namespaces; absent: cluster-wide. */
    orderNamespaces: WatchScopeSchema.shape.orderNamespaces.optional(),
    repository: z
      .string({ error: "is required: the URL of the Git repository to commit to (https://…, ssh://… or git@host:…)" })
      .min(1, "is required: the URL of the Git repository to commit to")
      .refine((url) => /^(https?|ssh|git|file):\/\/|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.test(url), "must be an https://, http://, ssh://, git:// or file:// URL, or git@host:path")
      .superRefine((url, context) => {
        const problem = credentialsInUrl(url);
        if (problem) context.addIssue({ code: "custom", message: problem });
      }),
    branch: z.string().regex(BRANCH, "must be a valid branch name (e.g. main)"),
    path: z.string().regex(TREE_PATH, "must be a relative directory in the repository without '..' (e.g. rendered), or '' for its root"),
    dataDir: z.string().min(1),
    credentialsDir: z.string().min(1).optional(),
    caFile: z.string().min(1).optional(),
    author: z.object({ name: z.string().min(1), email: z.string().min(3) }),
    /** Without a certificate file (only with hubs): the value key for the hubs' own certificates. */
    sealing: z.object({ certificateFile: z.string().min(1).optional(), keyFile: z.string().min(1), reseal: z.boolean() }).optional(),
    /** Per-hub output (docs/adr/0033-committer-per-hub-output.md): watch the Hubs, write hub orders under hubs/<hub>/ and the Argo CD objects. */
    hubs: z.boolean(),
    defaultStorageClass: z.string().min(1).optional(),
    batchWindowMs: z.number({ error: "must be a duration such as 1s or 500ms" }).int().min(0).max(600_000, "must be at most 10m"),
    removal: z.object({
      maxRemovedOrders: z.coerce.number().int().min(0),
      maxRemovedPercent: z.coerce.number().min(0).max(100),
      allowMassRemoval: z.boolean(),
    }),
    argoCd: z.object({
      refresh: z.enum(["normal", "hard", "none"]),
      namespace: z.string().min(1).optional(),
      /** The repository URL the generated Applications name (with hubs); absent: `repository`. */
      repoUrl: z.string().min(1).optional(),
    }),
    concurrency: z.coerce.number().int().min(1).max(64),
    ...processSettingsShape,
    networkTimeoutMs: z.number().int().positive(),
    remoteCheckIntervalMs: z.number().int().positive(),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.sealing && config.sealing.certificateFile === undefined && !config.hubs) {
      context.addIssue({ code: "custom", path: ["sealing", "certificateFile"], message: "is required" });
    }
    if (config.argoCd.repoUrl !== undefined && !config.hubs) {
      context.addIssue({ code: "custom", path: ["argoCd", "repoUrl"], message: "needs --hubs (the Argo CD objects are generated for per-hub output)" });
    }
    if (config.repository.startsWith("ssh://") || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.test(config.repository)) {
      if (config.caFile) context.addIssue({ code: "custom", path: ["caFile"], message: "applies to https:// repositories, not to SSH" });
    }
  });

export type CommitterConfig = z.infer<typeof CommitterConfigSchema>;

export interface CommitterFlags extends ProcessSettingsFlags {
  kubeconfig?: string;
  "order-namespaces"?: string;
  repository?: string;
  branch?: string;
  path?: string;
  "data-dir"?: string;
  "git-credentials-dir"?: string;
  "git-ca-file"?: string;
  "commit-author"?: string;
  "sealing-certificate-file"?: string;
  "sealing-key-file"?: string;
  reseal?: boolean;
  "default-storage-class"?: string;
  hubs?: boolean;
  "argocd-repo-url"?: string;
  "batch-window"?: string;
  "max-removals"?: string;
  "max-removal-percent"?: string;
  "allow-mass-removal"?: boolean;
  "argocd-refresh"?: string;
  "argocd-namespace"?: string;
  concurrency?: string;
}

export const DEFAULT_AUTHOR = "osac-vm committer <osac-vm-committer@osac.invalid>";

/** Environment: KUBECONFIG, POD_NAMESPACE (the Lease's namespace), POD_NAME (the leader identity), LOG_LEVEL. */
export function parseCommitterConfig(flags: CommitterFlags, env: Readonly<Record<string, string | undefined>>) {
  const author = AUTHOR.exec(flags["commit-author"] ?? DEFAULT_AUTHOR);
  const window = flags["batch-window"] ?? "1s";
  const orderNamespaces = flags["order-namespaces"]?.split(",").map((item) => item.trim()).filter(Boolean);
  const sealingGiven = flags["sealing-certificate-file"] !== undefined || flags["sealing-key-file"] !== undefined;
  const certificateFile = flags["sealing-certificate-file"] ?? (flags.hubs ? undefined : "");
  return CommitterConfigSchema.safeParse({
    ...(flags.kubeconfig ?? env.KUBECONFIG ? { kubeconfig: flags.kubeconfig ?? env.KUBECONFIG } : {}),
    ...(orderNamespaces ? { orderNamespaces } : {}),
    repository: flags.repository,
    branch: flags.branch ?? "main",
    path: (flags.path ?? "rendered").replace(/^\.\/?$/, "").replace(/\/+$/, ""),
    dataDir: flags["data-dir"] ?? ".data/committer",
    ...(flags["git-credentials-dir"] ? { credentialsDir: flags["git-credentials-dir"] } : {}),
    ...(flags["git-ca-file"] ? { caFile: flags["git-ca-file"] } : {}),
    author: author ? { name: author[1], email: author[2] } : { name: "", email: "" },
    ...(sealingGiven
      ? { sealing: { ...(certificateFile !== undefined ? { certificateFile } : {}), keyFile: flags["sealing-key-file"] ?? "", reseal: flags.reseal ?? false } }
      : {}),
    ...(flags["default-storage-class"] ? { defaultStorageClass: flags["default-storage-class"] } : {}),
    batchWindowMs: parseDurationMs(window),
    removal: {
      maxRemovedOrders: flags["max-removals"] ?? "10",
      maxRemovedPercent: flags["max-removal-percent"] ?? "50",
      allowMassRemoval: flags["allow-mass-removal"] ?? false,
    },
    hubs: flags.hubs ?? false,
    argoCd: {
      refresh: flags["argocd-refresh"] ?? "normal",
      ...(flags["argocd-namespace"] ? { namespace: flags["argocd-namespace"] } : {}),
      ...(flags["argocd-repo-url"] ? { repoUrl: flags["argocd-repo-url"] } : {}),
    },
    concurrency: flags.concurrency ?? "8",
    ...processSettingsInput(flags, env, { leaseName: "osac-vm-committer", metricsPort: "8080" }),
    networkTimeoutMs: 60_000,
    remoteCheckIntervalMs: 60_000,
  });
}

const SETTING_NAMES: Record<string, string> = {
  orderNamespaces: "--order-namespaces",
  repository: "--repository",
  branch: "--branch",
  path: "--path",
  dataDir: "--data-dir",
  caFile: "--git-ca-file",
  author: "--commit-author",
  "sealing.certificateFile": "--sealing-certificate-file",
  "sealing.keyFile": "--sealing-key-file",
  batchWindowMs: "--batch-window",
  "removal.maxRemovedOrders": "--max-removals",
  "removal.maxRemovedPercent": "--max-removal-percent",
  "argoCd.refresh": "--argocd-refresh",
  "argoCd.repoUrl": "--argocd-repo-url",
  concurrency: "--concurrency",
  metricsPort: "--metrics-port",
  logLevel: "--log-level / LOG_LEVEL",
};

export function describeCommitterConfigErrors(error: z.ZodError): string[] {
  const lines = error.issues.map((issue) => {
    const path = issue.path.join(".");
    const name = SETTING_NAMES[path] ?? SETTING_NAMES[String(issue.path[0])] ?? path;
    const message =
      path.startsWith("author")
        ? "must be 'Name <email>'"
        : path === "sealing.certificateFile" || path === "sealing.keyFile"
          ? "--sealing-certificate-file and --sealing-key-file go together: give both, or neither (no sealing)"
          : issue.message;
    return `${name}: ${message}`;
  });
  return [...new Set(lines)];
}
