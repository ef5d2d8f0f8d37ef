import type { KeyObject } from "node:crypto";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { serveUntilSignal } from "./serve-until-signal.ts";
import { describeControllerConfigErrors, parseControllerConfig } from "../controller/config.ts";
import { createLogger } from "../platform/logger.ts";

const USAGE = `Usage: osac-vm controller [options]

Watches VirtualMachine orders and their children. Orders with cloudkit.openshift.io/managed-by:
controller get their children applied directly; controller and gitops orders get live status in
the order and in the database. Leader-elected: run several replicas, one acts.

Options:
  --kubeconfig <path>                 Cluster (default: KUBECONFIG, in-cluster, ~/.kube/config)
  --data-dir <dir>                    Embedded PGlite database directory when DATABASE_URL is unset (default .data/)
  --metrics-port <n>                  /healthz, /readyz, /metrics (default 8080)
  --bind-address <ip>                 Address for the metrics port (default 0.0.0.0)
  --concurrency <n>                   Orders reconciled at once (default 8)
  --leader-elect / --no-leader-elect  Lease-based leader election (default on)
  --leader-election-namespace <ns>    Namespace of the Lease (default POD_NAMESPACE or default)
  --order-namespaces <ns,...>         Watch orders only in these namespaces, and
  --tenant-namespaces <ns,...>        their children only in these (both or neither; default:
                                      cluster-wide). Namespace-scoped RBAC is then enough.
  --log-level <level>                 fatal|error|warn|info|debug|trace|silent (default info)
  --config-version-key-file <file>    The sealing key (the committer's and render --seal-key-file's): reads
                                      the keyed config versions on the children of sealed GitOps output,
                                      so gitops orders report reconciledConfigVersion
  --hub-secrets-namespace <ns>        Where Hub kubeconfig Secrets live (default OSAC_VM_HUB_SECRETS_NAMESPACE,
                                      else POD_NAMESPACE, else osac-vm-gitops)
  --hub-probe-interval-seconds <n>    How often each Hub is probed (default 30)

Environment: DATABASE_URL (postgres://…; else embedded PGlite), POD_NAME, POD_NAMESPACE,
OSAC_VM_HUB_REGISTRY (on: probe every Hub and write its status; default off).
`;

const OPTIONS = {
  kubeconfig: { type: "string" },
  "data-dir": { type: "string" },
  "metrics-port": { type: "string" },
  "bind-address": { type: "string" },
  concurrency: { type: "string" },
  "leader-elect": { type: "boolean" },
  "no-leader-elect": { type: "boolean" },
  "leader-election-namespace": { type: "string" },
  "order-namespaces": { type: "string" },
  "tenant-namespaces": { type: "string" },
  "log-level": { type: "string" },
  "config-version-key-file": { type: "string" },
  "hub-secrets-namespace": { type: "string" },
  "hub-probe-interval-seconds": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runController(args: string[], terminal: Terminal): Promise<number> {
  let values;
  try {
    values = parseCommandLine(args, OPTIONS, USAGE).values;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm controller: ${error.message}\n`);
    return ExitCode.invalid;
  }
  if (values.help) {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  const parsed = parseControllerConfig({ ...values, "leader-elect": values["no-leader-elect"] ? false : (values["leader-elect"] ?? true) }, terminal.env);
  if (!parsed.success) {
    for (const line of describeControllerConfigErrors(parsed.error)) terminal.stderr.write(`osac-vm controller: ${line}\n`);
    return ExitCode.invalid;
  }
  const logger = createLogger({ name: "osac-vm-controller", level: parsed.data.logLevel });
  let configVersionKey: KeyObject | undefined;
  if (parsed.data.configVersionKeyFile) {
    const { readConfigVersionKey } = await import("../controller/config-version-key.ts");
    try {
      configVersionKey = readConfigVersionKey(parsed.data.configVersionKeyFile);
    } catch (error) {
      terminal.stderr.write(`osac-vm controller: ${(error as Error).message}\n`);
      return ExitCode.invalid;
    }
  }
  const { startController } = await import("../controller/controller.ts");
  return serveUntilSignal("controller", "controller", () => startController(parsed.data, terminal.env, logger, configVersionKey ? { configVersionKey } : {}), logger, terminal);
}
