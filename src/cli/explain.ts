import { DEFAULT_DATA_DIR } from "../platform/database/open-status-store.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { openCluster, reportSelectionError } from "./cluster-session.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

const USAGE = `Usage: osac-vm explain <namespace>/<order> [options]
       osac-vm explain -n <namespace> <order> [options]

Shows one VirtualMachine order on one screen: its parameters after defaults and where each came
from, why it has its managed-by mode, its storage class and where it came from, its children live
against rendered (and whether adopting its VM would restart it), its conditions with their
history from the status database, and the last commit of a gitops order. Secret values are never
shown.

Options:
  -n, --namespace <ns>        The order's namespace (default: the kubeconfig context's, else default)
  --database-url <url>        Status database (default: DATABASE_URL, preferred: a password in arguments
                              is visible to other users; else the embedded one in --data-dir)
  --data-dir <dir>            Embedded PGlite directory, as the controller's (default ${DEFAULT_DATA_DIR}; read from a copy)
  --rollout-strategy <name>   LiveUpdate or Stage (default: read from the KubeVirt CR)
  --default-storage-class <name>  The role's class (default: CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, else the cluster's default)
  -o, --output <format>       text (default) or json
  --kubeconfig <path>         Cluster (default: KUBECONFIG, in-cluster, ~/.kube/config)

Environment, read as the webhook reads it: OSAC_VM_MANAGED_BY_DEFAULT, OSAC_VM_MANAGED_BY_ROLLOUT,
OSAC_VM_DEFAULT_IMAGE_SOURCE, CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS. Colour on a terminal unless NO_COLOR is set.
`;

const OPTIONS = {
  namespace: { type: "string", short: "n" },
  "database-url": { type: "string" },
  "data-dir": { type: "string" },
  "rollout-strategy": { type: "string" },
  "default-storage-class": { type: "string" },
  output: { type: "string", short: "o" },
  kubeconfig: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runExplain(args: string[], terminal: Terminal): Promise<number> {
  let request: { values: ReturnType<typeof parseCommandLine<typeof OPTIONS>>["values"]; namespace?: string; name: string };
  try {
    const parsed = parseCommandLine(args, OPTIONS, USAGE, true);
    if (parsed.values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    request = { values: parsed.values, ...target(parsed.positionals, parsed.values.namespace) };
    if (parsed.values.output !== undefined && !["text", "json"].includes(parsed.values.output)) throw new UsageError(`--output '${parsed.values.output}' is not known; use text or json`);
    const strategy = parsed.values["rollout-strategy"];
    if (strategy !== undefined && !["LiveUpdate", "Stage"].includes(strategy)) throw new UsageError(`--rollout-strategy '${strategy}' is not known; use LiveUpdate or Stage`);
    const databaseUrl = parsed.values["database-url"] ?? terminal.env.DATABASE_URL;
    if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError("--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm explain: ${error.message}\n`);
    return ExitCode.invalid;
  }
  const { values } = request;
  const [{ runExplain: explain }, { policyFromEnvironment }, { explainReportText }, { styleFor }] = await Promise.all([
    import("../migration/explain/run-explain.ts"),
    import("../migration/explain/managed-by.ts"),
    import("../migration/report/explain-text.ts"),
    import("../migration/report/style.ts"),
  ]);
  const policy = policyFromEnvironment(terminal.env);
  if (!policy.setting) {
    terminal.stderr.write(`osac-vm explain: ${policy.error}\n`);
    return ExitCode.invalid;
  }
  const session = openCluster(terminal, values.kubeconfig, "explain");
  if (!session) return ExitCode.invalid;
  try {
    const databaseUrl = values["database-url"] ?? terminal.env.DATABASE_URL;
    const explanation = await explain(session.rest, {
      namespace: request.namespace ?? session.contextNamespace,
      name: request.name,
      database: { ...(databaseUrl ? { databaseUrl } : {}), dataDir: values["data-dir"] ?? DEFAULT_DATA_DIR },
      policy: policy.setting,
      ...(terminal.env.OSAC_VM_DEFAULT_IMAGE_SOURCE ? { defaultImageSource: terminal.env.OSAC_VM_DEFAULT_IMAGE_SOURCE } : {}),
      ...(terminal.env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS ? { envStorageClass: terminal.env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS } : {}),
      ...(values["default-storage-class"] ? { storageClassFlag: values["default-storage-class"] } : {}),
      ...(values["rollout-strategy"] ? { rolloutStrategy: values["rollout-strategy"] as "LiveUpdate" | "Stage" } : {}),
    });
    terminal.stdout.write(values.output === "json" ? `${JSON.stringify(explanation, null, 2)}\n` : explainReportText(explanation, styleFor(terminal.stdout.isTTY, terminal.env)));
    return ExitCode.ok;
  } catch (error) {
    return reportSelectionError(error, terminal, "explain");
  } finally {
    session.close();
  }
}

/** `<namespace>/<order>`, or `<order>` with -n (or the context's namespace). */
function target(positionals: string[], namespaceFlag: string | undefined): { namespace?: string; name: string } {
  if (positionals.length !== 1) throw new UsageError(`explain takes one order, as <namespace>/<order> or -n <namespace> <order> (got ${positionals.length})\n\n${USAGE}`);
  const text = positionals[0]!;
  const parts = text.split("/");
  if (parts.length > 2 || parts.some((part) => part === "")) throw new UsageError(`'${text}' is not <namespace>/<order> or <order>`);
  if (parts.length === 2) {
    if (namespaceFlag !== undefined && namespaceFlag !== parts[0]) throw new UsageError(`'${text}' names namespace ${parts[0]} but --namespace says ${namespaceFlag}`);
    return { namespace: parts[0]!, name: parts[1]! };
  }
  return { ...(namespaceFlag !== undefined ? { namespace: namespaceFlag } : {}), name: parts[0]! };
}
