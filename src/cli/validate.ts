import { collectOrders } from "../render/input/collect-orders.ts";
import { readDocuments } from "../render/input/read-documents.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { SEALING_OPTIONS, SEALING_USAGE, sealingFromOptions } from "./sealing-options.ts";

const USAGE = `Usage: osac-vm validate <path|->...

Checks every VirtualMachine order in the given files and directories and prints each error as
'file:document: field: message'. Exits 0 when all are valid, 2 otherwise.

Options (checked as render checks them):
${SEALING_USAGE}`;

export function runValidate(args: string[], terminal: Terminal): number {
  let paths: string[];
  try {
    const { values, positionals } = parseCommandLine(args, { help: { type: "boolean", short: "h" }, ...SEALING_OPTIONS }, USAGE, true);
    if (values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    if (positionals.length === 0) throw new UsageError(`at least one path is required\n\n${USAGE}`);
    for (const warning of sealingFromOptions(values, { profile: "gitops" })?.warnings ?? []) terminal.stderr.write(`warning: ${warning}\n`);
    paths = positionals;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm validate: ${error.message}\n`);
    return ExitCode.invalid;
  }
  const { documents, problems } = readDocuments(paths, terminal.readStdin);
  const { orders, errors, warnings } = collectOrders(documents, problems);
  for (const warning of warnings) terminal.stderr.write(`warning: ${warning}\n`);
  for (const error of errors) terminal.stdout.write(`${error}\n`);
  if (errors.length > 0) {
    terminal.stderr.write(`osac-vm validate: ${errors.length} error(s)\n`);
    return ExitCode.invalid;
  }
  terminal.stderr.write(`osac-vm validate: ${orders.length} order(s) valid\n`);
  return ExitCode.ok;
}
