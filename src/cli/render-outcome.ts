import { OutputNotWritableError } from "../render/tree/write-targets.ts";
import { certificateChangedMessage } from "./sealing-options.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

/**
 * What `render` (single-cluster or `--hubs`) says when the tree could not be brought up to date:
 * a certificate change without `--reseal` is refused (exit 2), an unwritable target or any other
 * failure exits 1. `certificate` names the certificate that changed.
 */
export function renderFailure(command: string, error: unknown, request: { readonly outDir: string; readonly check: boolean }, terminal: Terminal, certificate = "--seal-with's certificate"): number {
  const refusal = certificateChangedMessage(error);
  if (refusal) {
    terminal.stderr.write(`${command}: ${refusal.replace("--seal-with's certificate", certificate)}; nothing was written to ${request.outDir}\n`);
    return ExitCode.invalid;
  }
  const reason =
    error instanceof OutputNotWritableError
      ? `${error.message}; nothing was written`
      : `${request.check ? "cannot check" : "cannot update"} ${request.outDir}: ${(error as Error).message}`;
  terminal.stderr.write(`${command}: ${reason}\n`);
  return ExitCode.failure;
}

/** Prints the warnings, and the input errors with the verdict; the exit code when there were errors. */
export function inputErrors(command: string, result: { readonly warnings: readonly string[]; readonly errors: readonly string[] }, outDir: string, terminal: Terminal): number | undefined {
  for (const warning of result.warnings) terminal.stderr.write(`warning: ${warning}\n`);
  if (result.errors.length === 0) return undefined;
  for (const error of result.errors) terminal.stderr.write(`${error}\n`);
  terminal.stderr.write(`${command}: ${result.errors.length} error(s); nothing was written to ${outDir}\n`);
  return ExitCode.invalid;
}
