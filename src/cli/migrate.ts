import { parseCommandLine, UsageError } from "./arguments.ts";
import { openCluster } from "./cluster-session.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

const USAGE = `Usage: osac-vm migrate <command> [options]

Moves running AAP-era VirtualMachine orders to the controller (or GitOps) path with a
FleetMigration (gitops.cloudkit.openshift.io/v1alpha1, docs/adr/0032-fleet-migration.md and
docs/runbooks/migrate-from-aap.md): Preflight (live parity diff), Backup, Adopt, Verify per batch.

Commands:
  controller                 Run the migration controller (one step per reconcile)
  approve <name>             Let the batch awaiting approval (or --batch N) go on
  rollback <name>            Roll back the completed batches, newest first, down to --batch N (default 1)

Options:
  -n, --namespace <ns>       The FleetMigration's namespace (default: the kubeconfig context's)
  --batch <n>                approve / rollback: the batch number (1-based)
  --kubeconfig <path>        Cluster (default: KUBECONFIG, in-cluster, ~/.kube/config)
  controller only:
  --watch-namespace <ns>     Only FleetMigrations in this namespace (default: all)
  --metrics-port <n>         /healthz, /readyz, /metrics (default 8080; 0 picks a free port)
  --bind-address <ip>        Address for the metrics port (default 0.0.0.0)
  --step-interval-ms <n>     Pause between steps, to pace adoption (default 0)
  --resync-interval-ms <n>   Look at every FleetMigration this often (default 60000)
  --rollout-strategy <name>  LiveUpdate or Stage for Preflight's restart prediction (default: the KubeVirt CR)
  --committer-lease-namespace <ns>  targetMode gitops: namespace of the committer's Lease osac-vm-committer (default POD_NAMESPACE or default)
  --argocd-namespace <ns>    targetMode gitops: namespace of Argo CD's Applications (default argocd)
  --log-level <level>        fatal|error|warn|info|debug|trace|silent (default info)
  --database-url <url>       The order controller's status database that Verify reads (default: DATABASE_URL,
                             preferred: a password in arguments is visible to other users; unset: not checked)
  --database-wait-seconds <n>  How long Verify waits for the status database rows (default 300)
  --no-webhook-check         Do not probe the admission webhook before planning and before each batch
                             (a platform installed without it: the chart's admission.enabled false)

Exit status: 0 done, 1 failed, 2 usage error (unknown FleetMigration, batch not planned).
`;

const OPTIONS = {
  namespace: { type: "string", short: "n" },
  batch: { type: "string" },
  kubeconfig: { type: "string" },
  "watch-namespace": { type: "string" },
  "metrics-port": { type: "string" },
  "bind-address": { type: "string" },
  "step-interval-ms": { type: "string" },
  "resync-interval-ms": { type: "string" },
  "rollout-strategy": { type: "string" },
  "committer-lease-namespace": { type: "string" },
  "argocd-namespace": { type: "string" },
  "log-level": { type: "string" },
  "database-url": { type: "string" },
  "database-wait-seconds": { type: "string" },
  "no-webhook-check": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;


export async function runMigrate(args: string[], terminal: Terminal): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(args, OPTIONS, USAGE, true);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm migrate: ${error.message}\n`);
    return ExitCode.invalid;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    (values.help ? terminal.stdout : terminal.stderr).write(USAGE);
    return values.help ? ExitCode.ok : ExitCode.invalid;
  }
  try {
    if (command === "controller") {
      if (rest.length > 0) throw new UsageError(`controller takes no arguments, got '${rest.join(" ")}'`);
      const { runMigrationController } = await import("./migrate-controller.ts");
      return await runMigrationController(values, terminal);
    }
    if (command === "approve" || command === "rollback") {
      if (rest.length !== 1) throw new UsageError(`${command} takes one FleetMigration name, got ${rest.length}`);
      const batch = parseBatch(values.batch);
      const { runSpecRequest } = await import("./migrate-request.ts");
      const session = openCluster(terminal, values.kubeconfig, "migrate");
      if (!session) return ExitCode.invalid;
      try {
        return await runSpecRequest(session.rest, terminal, command, values.namespace ?? session.contextNamespace, rest[0]!, batch);
      } finally {
        session.close();
      }
    }
    throw new UsageError(`unknown command '${command}'; known commands are controller, approve, rollback`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm migrate: ${error.message}\n`);
    return ExitCode.invalid;
  }
}

function parseBatch(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageError(`--batch '${text}' is not a batch number (1 or more)`);
  return Number(text);
}

