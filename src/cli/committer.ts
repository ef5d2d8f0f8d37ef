import { parseCommandLine, UsageError } from "./arguments.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { serveUntilSignal } from "./serve-until-signal.ts";
import { describeCommitterConfigErrors, parseCommitterConfig, DEFAULT_AUTHOR } from "../gitops/committer/config.ts";
import { createLogger } from "../platform/logger.ts";

const USAGE = `Usage: osac-vm committer --repository <url> [options]

Watches VirtualMachine orders with cloudkit.openshift.io/managed-by: gitops and commits their
rendered files (the gitops profile, as osac-vm render writes them) to a Git branch: changes within
a batch window become one commit, pushed without force; Argo CD Applications that cover the
changed paths are asked to refresh; each order gets a Committed condition. Leader-elected: run
several replicas, one commits.

Options:
  --repository <url>            Git repository (https://…, ssh://… or git@host:…); no credentials in it
  --branch <name>               Branch to commit to (default main; created when missing)
  --path <dir>                  Directory of the rendered tree in the repository (default rendered; '' = root)
  --git-credentials-dir <dir>   A mounted Secret: username + password (HTTPS token) or ssh-privatekey + known_hosts
  --git-ca-file <file>          CA bundle of the HTTPS server's certificate
  --commit-author <who>         'Name <email>' of the commits (default '${DEFAULT_AUTHOR}')
  --sealing-certificate-file <pem>
                                The sealed-secrets controller's certificate: Secrets become SealedSecrets,
                                and orders with their own cloud-init are accepted
  --sealing-key-file <file>     Key of the keyed hashes (>= 32 random bytes, never in Git); with sealing,
                                or alone with --hubs (each hub seals with its own certificate)
  --reseal                      Re-seal values sealed under another certificate (rotation) instead of refusing
  --default-storage-class <name>
                                storageClassName for orders that name none (default: none rendered)
  --hubs                        Per-hub output: watch the Hub objects; an order with cloudkit.openshift.io/hub
                                goes to hubs/<hub>/<tenant-namespace>/, sealed with that Hub's
                                spec.sealingCertificate, with an Argo CD Application per hub and tenant and an
                                AppProject per tenant under argocd/ (as render --hubs writes them)
  --argocd-repo-url <url>       With --hubs: the repository URL the generated Applications name
                                (default: --repository)
  --batch-window <duration>     Changes within this window become one commit (default 1s)
  --max-removals <n>            Hold back a batch removing more orders than this (default 10)
  --max-removal-percent <n>     ... or more than this share of the tree (default 50)
  --allow-mass-removal          Remove whatever the orders say, however much
  --argocd-refresh <kind>       normal (default), hard or none: how Applications are told of a push
  --argocd-namespace <ns>       Only Applications in this namespace (default: all namespaces)
  --data-dir <dir>              The local repository and caches (default .data/committer)
  --kubeconfig <path>           Cluster (default: KUBECONFIG, in-cluster, ~/.kube/config)
  --order-namespaces <ns,...>   Watch (and patch) orders only in these namespaces (default: cluster-wide)
  --concurrency <n>             Order status updates at once (default 8)
  --metrics-port <n>            /healthz, /readyz, /metrics (default 8080)
  --bind-address <ip>           Address for the metrics port (default 0.0.0.0)
  --leader-elect / --no-leader-elect  Lease-based leader election (default on)
  --leader-election-namespace <ns>    Namespace of the Lease (default POD_NAMESPACE or default)
  --log-level <level>           fatal|error|warn|info|debug|trace|silent (default info)

Exit codes: 2 for a setting that cannot work (each named), checked before anything is committed:
an unreadable file, a bad sealing certificate or key, an unreachable repository, credentials or a
certificate the repository refuses. Environment: POD_NAME, POD_NAMESPACE, KUBECONFIG, LOG_LEVEL.
`;

const OPTIONS = {
  repository: { type: "string" },
  branch: { type: "string" },
  path: { type: "string" },
  "git-credentials-dir": { type: "string" },
  "git-ca-file": { type: "string" },
  "commit-author": { type: "string" },
  "sealing-certificate-file": { type: "string" },
  "sealing-key-file": { type: "string" },
  reseal: { type: "boolean" },
  "default-storage-class": { type: "string" },
  hubs: { type: "boolean" },
  "argocd-repo-url": { type: "string" },
  "batch-window": { type: "string" },
  "max-removals": { type: "string" },
  "max-removal-percent": { type: "string" },
  "allow-mass-removal": { type: "boolean" },
  "argocd-refresh": { type: "string" },
  "argocd-namespace": { type: "string" },
  "data-dir": { type: "string" },
  kubeconfig: { type: "string" },
  "order-namespaces": { type: "string" },
  concurrency: { type: "string" },
  "metrics-port": { type: "string" },
  "bind-address": { type: "string" },
  "leader-elect": { type: "boolean" },
  "no-leader-elect": { type: "boolean" },
  "leader-election-namespace": { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runCommitter(args: string[], terminal: Terminal): Promise<number> {
  let values;
  try {
    values = parseCommandLine(args, OPTIONS, USAGE).values;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm committer: ${error.message}\n`);
    return ExitCode.invalid;
  }
  if (values.help) {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  const parsed = parseCommitterConfig({ ...values, "leader-elect": values["no-leader-elect"] ? false : (values["leader-elect"] ?? true) }, terminal.env);
  if (!parsed.success) {
    for (const line of describeCommitterConfigErrors(parsed.error)) terminal.stderr.write(`osac-vm committer: ${line}\n`);
    return ExitCode.invalid;
  }
  const config = parsed.data;
  const logger = createLogger({ name: "osac-vm-committer", level: config.logLevel });
  const { prepareCommitter, CommitterSettingError } = await import("../gitops/committer/setup.ts");
  let setup;
  try {
    setup = await prepareCommitter(config, terminal.env);
  } catch (error) {
    if (!(error instanceof CommitterSettingError)) throw error;
    logger.fatal({ setting: error.setting, err: error.problem }, "Refused a setting");
    logger.flush();
    terminal.stderr.write(`osac-vm committer: ${error.message}\n`);
    return ExitCode.invalid;
  }
  for (const warning of setup.warnings) logger.warn(warning);
  const { startCommitter } = await import("../gitops/committer/committer.ts");
  return serveUntilSignal("committer", "committer", () => startCommitter(config, setup, terminal.env, logger), logger, terminal);
}
