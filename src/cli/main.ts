import { runRender } from "./render.ts";
import { runValidate } from "./validate.ts";
import { runWebhook } from "./webhook.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

const USAGE = `Usage: osac-vm <command> [options]

Commands:
  render    Render VirtualMachine orders into KubeVirt objects under an output directory
  validate  Check VirtualMachine orders and print every error
  webhook   Serve the admission and conversion webhooks and the template API (HTTPS)

Run 'osac-vm <command> --help' for a command's options.
`;

const COMMANDS: Record<string, (args: string[], terminal: Terminal) => Promise<number> | number> = {
  render: runRender,
  validate: runValidate,
  webhook: runWebhook,
};

export async function main(argv: string[], terminal: Terminal): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    terminal.stdout.write(USAGE);
    return command === undefined ? ExitCode.invalid : ExitCode.ok;
  }
  const run = COMMANDS[command];
  if (!run) {
    terminal.stderr.write(`osac-vm: unknown command '${command}'; known commands are ${Object.keys(COMMANDS).join(", ")}\n`);
    return ExitCode.invalid;
  }
  return run(args, terminal);
}
