import { PROFILES } from "../render/profile.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { openCluster, reportSelectionError } from "./cluster-session.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

const USAGE = `Usage: osac-vm diff --live [ORDER...] [options]

Compares VirtualMachine orders on the cluster with their live children, field by field: each
order is rendered with the profile of whoever owns its children (aap-parity for managed-by aap or
none, gitops for controller and gitops), and compared with the Secrets, DataVolume,
VirtualMachine and Service labelled with it, leaving out what the API server, KubeVirt and CDI
write (docs/adr/0027-live-parity-diff.md). Prints a unified diff per differing object, whether
adopting a running VM would restart it, and a summary. Reads with one paged LIST per kind.

Options:
  --live                          Compare with the live cluster (required)
  -n, --namespace <ns>            Orders in this namespace (default: the kubeconfig context's, else default)
  -A, --all-namespaces            Orders in every namespace
  -l, --selector <selector>       Label selector on the orders (e.g. team=a,tier!=gold)
  --profile <name>                auto (default), aap-parity or gitops (what adoption would apply)
  --rollout-strategy <name>       LiveUpdate or Stage (default: read from the KubeVirt CR)
  --default-storage-class <name>  The role's class for orders without storage_class (default:
                                  CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, else the cluster's default)
  -o, --output <format>           text (default) or json
  --stats                         Print API requests and timings on stderr
  --kubeconfig <path>             Cluster (default: KUBECONFIG, in-cluster, ~/.kube/config)

Exit status: 0 every order identical, 1 differences, 2 usage error (bad selector, unknown
namespace, order not found, no cluster access).
`;

const OPTIONS = {
  live: { type: "boolean" },
  namespace: { type: "string", short: "n" },
  "all-namespaces": { type: "boolean", short: "A" },
  selector: { type: "string", short: "l" },
  profile: { type: "string" },
  "rollout-strategy": { type: "string" },
  "default-storage-class": { type: "string" },
  output: { type: "string", short: "o" },
  stats: { type: "boolean" },
  kubeconfig: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const PROFILE_CHOICES = ["auto", ...PROFILES] as const;
const OUTPUTS = ["text", "json"] as const;

export async function runDiff(args: string[], terminal: Terminal): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(args, OPTIONS, USAGE, true);
    if (parsed.values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    checkFlags(parsed.values);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm diff: ${error.message}\n`);
    return ExitCode.invalid;
  }
  const { values, positionals } = parsed;
  const [{ runLiveDiff }, { diffReportText }, { diffReportJson }, { styleFor }] = await Promise.all([
    import("../migration/live-diff.ts"),
    import("../migration/report/diff-text.ts"),
    import("../migration/report/diff-json.ts"),
    import("../migration/report/style.ts"),
  ]);
  const session = openCluster(terminal, values.kubeconfig, "diff");
  if (!session) return ExitCode.invalid;
  try {
    const result = await runLiveDiff(session.rest, {
      selection: {
        ...(values["all-namespaces"] ? {} : { namespace: values.namespace ?? session.contextNamespace }),
        ...(values.selector !== undefined ? { labelSelector: values.selector } : {}),
        names: positionals,
      },
      profile: (values.profile ?? "auto") as (typeof PROFILE_CHOICES)[number],
      ...(values["rollout-strategy"] ? { rolloutStrategy: values["rollout-strategy"] as "LiveUpdate" | "Stage" } : {}),
      ...(values["default-storage-class"] ? { storageClassFlag: values["default-storage-class"] } : {}),
      ...(terminal.env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS ? { storageClassEnv: terminal.env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS } : {}),
    });
    terminal.stdout.write(values.output === "json" ? diffReportJson(result) : diffReportText(result, styleFor(terminal.stdout.isTTY, terminal.env)));
    if (values.stats) {
      const total = result.requests.reduce((sum, request) => sum + request.count, 0);
      const byResource = result.requests.map((request) => `${request.verb} ${request.resource} ${request.count}`).join(", ");
      terminal.stderr.write(`osac-vm diff: ${total} API request(s) (${byResource}); read ${result.timingsMs.read} ms, rendered and compared ${result.timingsMs.compare} ms\n`);
    }
    return result.summary.differing === 0 ? ExitCode.ok : ExitCode.differs;
  } catch (error) {
    return reportSelectionError(error, terminal, "diff");
  } finally {
    session.close();
  }
}

function checkFlags(values: { live?: boolean; namespace?: string; "all-namespaces"?: boolean; profile?: string; "rollout-strategy"?: string; output?: string }): void {
  if (!values.live) throw new UsageError(`diff compares orders with the live cluster: add --live (to check rendered files, use 'osac-vm render --check')\n\n${USAGE}`);
  if (values.namespace !== undefined && values["all-namespaces"]) throw new UsageError("--namespace and --all-namespaces exclude each other");
  if (values.profile !== undefined && !(PROFILE_CHOICES as readonly string[]).includes(values.profile)) {
    throw new UsageError(`--profile '${values.profile}' is not known; use one of ${PROFILE_CHOICES.join(", ")}`);
  }
  if (values["rollout-strategy"] !== undefined && !["LiveUpdate", "Stage"].includes(values["rollout-strategy"])) {
    throw new UsageError(`--rollout-strategy '${values["rollout-strategy"]}' is not known; use LiveUpdate or Stage (KubeVirt's vmRolloutStrategy)`);
  }
  if (values.output !== undefined && !(OUTPUTS as readonly string[]).includes(values.output)) throw new UsageError(`--output '${values.output}' is not known; use text or json`);
}
