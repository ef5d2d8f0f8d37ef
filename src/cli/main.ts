import { ExitCode, type Terminal } from "./terminal.ts";
import { buildInfo } from "../platform/build-info.ts";

const USAGE = `Usage: osac-vm <command> [options]

Commands:
  render      Render VirtualMachine orders into KubeVirt objects under an output directory
  validate    Check VirtualMachine orders as render would and print every error
  webhook     Serve the admission and conversion webhooks and the template API (HTTPS)
  controller  Apply controller-managed orders and sync live status into orders and the database
  committer   Commit gitops orders' rendered files to a Git branch, sealed, for Argo CD
  ssvirt      SSVirt's VDC namespaces (render or apply) and VM status into SSVirt's database
  hubs        List, add, cordon and uncordon the hubs orders are placed on
  diff        Compare orders on the cluster with their live children (--live); predict VM restarts
  explain     Show one order: parameters and their sources, mode, children, conditions, last commit
  migrate     Adopt running AAP orders in batches (FleetMigration controller, approve, rollback)

Run 'osac-vm <command> --help' for a command's options.
'osac-vm --version' prints the version and the git revision it was built from.
`;

type Command = (args: string[], terminal: Terminal) => Promise<number> | number;

/** Each command loads only its own modules: `render` must not pay for the Kubernetes client. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  render: async () => (await import("./render.ts")).runRender,
  validate: async () => (await import("./validate.ts")).runValidate,
  webhook: async () => (await import("./webhook.ts")).runWebhook,
  controller: async () => (await import("./controller.ts")).runController,
  committer: async () => (await import("./committer.ts")).runCommitter,
  ssvirt: async () => (await import("./ssvirt.ts")).runSsvirt,
  hubs: async () => (await import("./hubs.ts")).runHubs,
  diff: async () => (await import("./diff.ts")).runDiff,
  explain: async () => (await import("./explain.ts")).runExplain,
  migrate: async () => (await import("./migrate.ts")).runMigrate,
};

export async function main(argv: string[], terminal: Terminal): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) {
    terminal.stderr.write(USAGE);
    return ExitCode.invalid;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (command === "--version" || command === "version") {
    const { version, revision } = buildInfo();
    terminal.stdout.write(`osac-vm ${version} (revision ${revision})\n`);
    return ExitCode.ok;
  }
  const load = COMMANDS[command];
  if (!load) {
    terminal.stderr.write(`osac-vm: unknown command '${command}'; known commands are ${Object.keys(COMMANDS).join(", ")}\n`);
    return ExitCode.invalid;
  }
  const run = await load();
  return run(args, terminal);
}
