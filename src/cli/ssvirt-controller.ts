import { parseCommandLine, UsageError } from "./arguments.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { serveUntilSignal } from "./serve-until-signal.ts";
import { describeSsvirtControllerConfigErrors, parseSsvirtControllerConfig } from "../ssvirt/controller/config.ts";
import { createLogger } from "../platform/logger.ts";

const USAGE = `Usage: osac-vm ssvirt controller [options]

Reads SSVirt's VDCs (polling vdcs/organizations for a change) and server-side applies each VDC's
Namespace, ResourceQuota vdc-quota, LimitRange vdc-limits and NetworkPolicy vdc-ingress (admitting
the ports its LoadBalancer Services lead to). A disabled VDC's namespace allows no new VM; a deleted
VDC's namespace is deleted once it holds no VM, and reported until then. Watches KubeVirt VMs and
VMIs in VDC namespaces and writes status, cpu_count, memory_mb and guest_os into SSVirt's vms
table (and the vApp's status into v_apps), only when they change. Leader-elected (Lease
osac-vm-ssvirt): run several replicas, one acts.

Options:
  --kubeconfig <path>                 Cluster (default: KUBECONFIG, in-cluster, ~/.kube/config)
  --data-dir <dir>                    Embedded database when SSVIRT_DATABASE_URL is unset (default .data-ssvirt)
  --metrics-port <n>                  /healthz, /readyz, /metrics (default 8081)
  --bind-address <ip>                 Address for the metrics port (default 0.0.0.0)
  --concurrency <n>                   VMs written at once (default 8; VDC namespaces: at most 4)
  --poll-interval-ms <n>              How often SSVirt's VDC tables are checked for a change (default 1000)
  --resync-interval-ms <n>            How often everything is read and written again (default 300000)
  --no-apply-namespaces               Do not apply VDC namespaces (they are rendered into Git instead)
  --no-vm-status                      Do not write VM status into SSVirt's database
  --leader-elect / --no-leader-elect  Lease-based leader election (default on)
  --leader-election-namespace <ns>    Namespace of the Lease (default POD_NAMESPACE or default)
  --log-level <level>                 fatal|error|warn|info|debug|trace|silent (default info)

Environment: SSVIRT_DATABASE_URL (postgres://…, SSVirt's database), POD_NAME, POD_NAMESPACE.
`;

const OPTIONS = {
  kubeconfig: { type: "string" },
  "data-dir": { type: "string" },
  "metrics-port": { type: "string" },
  "bind-address": { type: "string" },
  concurrency: { type: "string" },
  "poll-interval-ms": { type: "string" },
  "resync-interval-ms": { type: "string" },
  "no-apply-namespaces": { type: "boolean" },
  "no-vm-status": { type: "boolean" },
  "leader-elect": { type: "boolean" },
  "no-leader-elect": { type: "boolean" },
  "leader-election-namespace": { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runSsvirtController(args: string[], terminal: Terminal): Promise<number> {
  let values;
  try {
    values = parseCommandLine(args, OPTIONS, USAGE).values;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm ssvirt controller: ${error.message}\n`);
    return ExitCode.invalid;
  }
  if (values.help) {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  const { "no-apply-namespaces": noApply, "no-vm-status": noStatus, "no-leader-elect": noElect, ...flags } = values;
  const parsed = parseSsvirtControllerConfig({ ...flags, "leader-elect": noElect ? false : (values["leader-elect"] ?? true), "apply-namespaces": !noApply, "vm-status": !noStatus }, terminal.env);
  if (!parsed.success) {
    for (const line of describeSsvirtControllerConfigErrors(parsed.error)) terminal.stderr.write(`osac-vm ssvirt controller: ${line}\n`);
    return ExitCode.invalid;
  }
  const logger = createLogger({ name: "osac-vm-ssvirt", level: parsed.data.logLevel });
  const { startSsvirtController } = await import("../ssvirt/controller/ssvirt-controller.ts");
  return serveUntilSignal("ssvirt controller", "SSVirt controller", () => startSsvirtController(parsed.data, terminal.env, logger), logger, terminal);
}
