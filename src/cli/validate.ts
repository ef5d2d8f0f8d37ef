import { loadOrders } from "../render/input/load-orders.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { RENDER_POLICY_OPTIONS, RENDER_POLICY_USAGE, toRenderPolicy } from "./render-options.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

const USAGE = `Usage: osac-vm validate <path|->... [options]
       osac-vm validate --in <path|-> [--in <path|->]... [options]

Checks every VirtualMachine order in the given files and directories exactly as 'osac-vm render'
with the same options would, and prints each error to stderr as 'file:document: field: message'.
Exits 0 when render would accept the input, 2 otherwise. (Whether a render may remove what the
input no longer holds depends on the output tree: 'osac-vm render --check' answers that.)

Options:
  --in <path>               Orders, as for render (repeatable; positional paths work too)
${RENDER_POLICY_USAGE}`;

const OPTIONS = {
  in: { type: "string", multiple: true },
  ...RENDER_POLICY_OPTIONS,
  help: { type: "boolean", short: "h" },
} as const;

export function runValidate(args: string[], terminal: Terminal): number {
  let request;
  try {
    const { values, positionals } = parseCommandLine(args, OPTIONS, USAGE, true);
    if (values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    const inputs = [...(values.in ?? []), ...positionals];
    if (inputs.length === 0) throw new UsageError(`at least one path is required\n\n${USAGE}`);
    const policy = toRenderPolicy(values, terminal.env);
    for (const warning of policy.warnings) terminal.stderr.write(`warning: ${warning}\n`);
    request = { inputs, options: policy.options };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm validate: ${error.message}\n`);
    return ExitCode.invalid;
  }
  const { orders, errors, warnings } = loadOrders(request.inputs, request.options, terminal.readStdin);
  for (const warning of warnings) terminal.stderr.write(`warning: ${warning}\n`);
  for (const error of errors) terminal.stderr.write(`${error}\n`);
  if (errors.length > 0) {
    terminal.stderr.write(`osac-vm validate: ${errors.length} error(s)\n`);
    return ExitCode.invalid;
  }
  terminal.stderr.write(`osac-vm validate: ${orders.length} order(s) valid for render --profile ${request.options.profile}\n`);
  return ExitCode.ok;
}
