import { ExitCode, type Terminal } from "./terminal.ts";

const USAGE = `Usage: osac-vm ssvirt <command> [options]

SSVirt (a VMware Cloud Director-compatible API over OpenShift Virtualization) as a consumer of this
project: its VDCs become namespaces with quota, limits and an ingress policy, and KubeVirt's VM
status goes into its database. SSVirt's PostgreSQL from SSVIRT_DATABASE_URL, else an embedded one.

Commands:
  render      Render every VDC's namespace objects into a GitOps tree (<out>/<namespace>/_vdc.yaml)
  controller  Apply the VDC namespaces and write VM status into SSVirt's database (leader-elected)
  add-vdc     Add a VDC to the embedded database, as SSVirt's API would (local use)

Run 'osac-vm ssvirt <command> --help' for a command's options.
`;

type Command = (args: string[], terminal: Terminal) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  render: async () => (await import("./ssvirt-render.ts")).runSsvirtRender,
  controller: async () => (await import("./ssvirt-controller.ts")).runSsvirtController,
  "add-vdc": async () => (await import("./ssvirt-add-vdc.ts")).runSsvirtAddVdc,
};

export async function runSsvirt(args: string[], terminal: Terminal): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    terminal.stdout.write(USAGE);
    return command === undefined ? ExitCode.invalid : ExitCode.ok;
  }
  const load = COMMANDS[command];
  if (!load) {
    terminal.stderr.write(`osac-vm ssvirt: unknown command '${command}'; known commands are ${Object.keys(COMMANDS).join(", ")}\n`);
    return ExitCode.invalid;
  }
  return (await load())(rest, terminal);
}
