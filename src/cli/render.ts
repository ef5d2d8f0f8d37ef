import { resolve } from "node:path";
import { renderTree, type RenderTreeResult } from "../render/render-tree.ts";
import { DEFAULT_PROFILE, isProfile, PROFILES, type RenderOptions } from "../render/profile.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { ExitCode, progressReporter, type Terminal } from "./terminal.ts";
import { certificateChangedMessage, SEALING_OPTIONS, SEALING_USAGE, sealingFromOptions, sealingSummary, type SealingOptionValues } from "./sealing-options.ts";

const USAGE = `Usage: osac-vm render --in <dir|file|-> --out <dir> [options]

Renders every VirtualMachine order under --in into --out: one directory per tenant namespace,
one file per order. Unchanged orders are not rewritten; removed orders' files are removed;
other files in --out are never touched. On any invalid input nothing is written (exit 2).

Options:
  --in <path>               Orders: a file, a directory (recursive) or - for stdin (repeatable)
  --out <dir>               Output directory
  --profile <name>          gitops (default) or aap-parity
  --check                   Write nothing; exit 1 listing the files that differ from a fresh render
  --allow-plain-secrets     gitops: write orders' cloud-init user data as plain Secrets
  --default-storage-class <name>
                            storageClassName for orders that name none (default: none rendered;
                            aap-parity also reads CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, as the role does)
${SEALING_USAGE}`;

const OPTIONS = {
  in: { type: "string", multiple: true },
  out: { type: "string" },
  profile: { type: "string" },
  check: { type: "boolean" },
  "allow-plain-secrets": { type: "boolean" },
  "default-storage-class": { type: "string" },
  help: { type: "boolean", short: "h" },
  ...SEALING_OPTIONS,
} as const;

export async function runRender(args: string[], terminal: Terminal): Promise<number> {
  let request: ReturnType<typeof toRequest>;
  try {
    const { values } = parseCommandLine(args, OPTIONS, USAGE);
    if (values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    request = toRequest(values, terminal.env);
    for (const warning of request.sealingWarnings) terminal.stderr.write(`warning: ${warning}\n`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm render: ${error.message}\n`);
    return ExitCode.invalid;
  }
  let result: RenderTreeResult;
  try {
    result = await renderTree({
      ...request,
      ...(terminal.readStdin ? { readStdin: terminal.readStdin } : {}),
      onProgress: progressReporter(terminal, "files"),
    });
  } catch (error) {
    const refusal = certificateChangedMessage(error);
    if (refusal) {
      terminal.stderr.write(`osac-vm render: ${refusal}; nothing was written to ${request.outDir}\n`);
      return ExitCode.invalid;
    }
    terminal.stderr.write(`osac-vm render: failed writing ${request.outDir}: ${(error as Error).message}\n`);
    return ExitCode.failure;
  }
  for (const warning of result.warnings) terminal.stderr.write(`warning: ${warning}\n`);
  if (result.errors.length > 0) {
    for (const error of result.errors) terminal.stderr.write(`${error}\n`);
    terminal.stderr.write(`osac-vm render: ${result.errors.length} error(s); nothing was written to ${request.outDir}\n`);
    return ExitCode.invalid;
  }
  const report = result.report!;
  if (request.check) {
    const stale = [...report.changed.map((path) => `differs: ${path}`), ...report.removed.map((path) => `stale: ${path}`)];
    for (const line of stale) terminal.stdout.write(`${line}\n`);
    terminal.stderr.write(
      stale.length === 0
        ? `osac-vm render --check: ${report.unchanged} file(s) up to date\n`
        : `osac-vm render --check: ${stale.length} file(s) out of date in ${request.outDir}; re-run without --check\n`,
    );
    return stale.length === 0 ? ExitCode.ok : ExitCode.differs;
  }
  terminal.stderr.write(
    `Rendered ${result.orderCount} order(s) into ${request.outDir}: ${report.changed.length} written, ` +
      `${report.removed.length} removed, ${report.unchanged} unchanged` +
      `${request.sealer ? `; ${sealingSummary(request.sealer)}` : ""}\n`,
  );
  return ExitCode.ok;
}

function toRequest(
  values: { in?: string[]; out?: string; profile?: string; check?: boolean; "allow-plain-secrets"?: boolean; "default-storage-class"?: string } & SealingOptionValues,
  env: Terminal["env"],
) {
  if (!values.in || values.in.length === 0) throw new UsageError(`--in is required\n\n${USAGE}`);
  if (!values.out) throw new UsageError(`--out is required\n\n${USAGE}`);
  const profile = values.profile ?? DEFAULT_PROFILE;
  if (!isProfile(profile)) throw new UsageError(`--profile '${profile}' is not known; use one of ${PROFILES.join(", ")}`);
  const defaultStorageClass =
    values["default-storage-class"] ?? (profile === "aap-parity" ? env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS || undefined : undefined);
  const outDir = resolve(values.out);
  const sealing = sealingFromOptions(values, { profile, outDir });
  const options: RenderOptions = {
    profile,
    allowPlainSecrets: values["allow-plain-secrets"] ?? false,
    ...(defaultStorageClass ? { defaultStorageClass } : {}),
    ...(sealing ? { sealing: sealing.sealer } : {}),
  };
  return { inputs: values.in, outDir, check: values.check ?? false, options, sealer: sealing?.sealer, sealingWarnings: sealing?.warnings ?? [] };
}
