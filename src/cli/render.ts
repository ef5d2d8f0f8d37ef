import { resolve } from "node:path";
import type { RenderOptions } from "../render/profile.ts";
import { renderTree, type RenderTreeResult } from "../render/render-tree.ts";
import type { RemovalPolicy } from "../render/tree/removal-guard.ts";
import type { SyncReport } from "../render/tree/sync.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { REMOVAL_OPTIONS, REMOVAL_USAGE, refusalMessage, toRemovalPolicy, waivedMessage } from "./removal-options.ts";
import { RENDER_POLICY_OPTIONS, RENDER_POLICY_USAGE, toRenderPolicy } from "./render-options.ts";
import { sealingSummary } from "./sealing-options.ts";
import { inputErrors, renderFailure } from "./render-outcome.ts";
import type { SecretSealer } from "../gitops/sealing/index.ts";
import { ExitCode, progressReporter, type Terminal } from "./terminal.ts";
import { checkWithoutHubs, hubSealingValues, hubsRequestParts, RENDER_HUBS_OPTIONS, RENDER_HUBS_USAGE, runRenderHubs, type RenderHubsRequest } from "./render-hubs.ts";

const USAGE = `Usage: osac-vm render --in <dir|file|-> --out <dir> [options]

Renders every VirtualMachine order under --in into --out: one directory per tenant namespace,
one file per order. Unchanged orders are not rewritten; removed orders' files are removed;
other files in --out are never touched. On any invalid input nothing is written (exit 2); nor
when the render would remove more orders than the limits allow (exit 2), or --out cannot be
written (exit 1).

Options:
  --in <path>               Orders: a file, a directory (recursive) or - for stdin (repeatable)
  --out <dir>               Output directory
  --check                   Write nothing; exit 1 listing the files that differ from a fresh render
${RENDER_POLICY_USAGE}${REMOVAL_USAGE}${RENDER_HUBS_USAGE}`;

const OPTIONS = {
  in: { type: "string", multiple: true },
  out: { type: "string" },
  check: { type: "boolean" },
  ...RENDER_POLICY_OPTIONS,
  ...REMOVAL_OPTIONS,
  ...RENDER_HUBS_OPTIONS,
  help: { type: "boolean", short: "h" },
} as const;

interface RenderRequest {
  readonly inputs: string[];
  readonly outDir: string;
  readonly check: boolean;
  readonly options: RenderOptions;
  readonly removalPolicy: RemovalPolicy;
  readonly sealer?: SecretSealer | undefined;
  /** With --hubs: the per-hub render's own parts. */
  readonly hubs?: Pick<RenderHubsRequest, "hubs" | "valueKey" | "reseal" | "argoCd">;
}

export async function runRender(args: string[], terminal: Terminal): Promise<number> {
  let request: RenderRequest;
  try {
    const { values } = parseCommandLine(args, OPTIONS, USAGE);
    if (values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    if (!values.in || values.in.length === 0) throw new UsageError(`--in is required\n\n${USAGE}`);
    if (!values.out) throw new UsageError(`--out is required\n\n${USAGE}`);
    const outDir = resolve(values.out);
    checkWithoutHubs(values);
    const policy = toRenderPolicy(values.hubs === undefined ? values : hubSealingValues(values), terminal.env, outDir);
    for (const warning of policy.warnings) terminal.stderr.write(`warning: ${warning}\n`);
    if (values.hubs !== undefined && policy.options.profile !== "gitops") throw new UsageError(`--hubs applies to the gitops profile, not '${policy.options.profile}'`);
    const hubs = values.hubs === undefined ? undefined : hubsRequestParts(values, outDir, terminal);
    request = {
      ...(hubs ? { hubs } : {}),
      inputs: values.in,
      outDir,
      check: values.check ?? false,
      options: policy.options,
      removalPolicy: toRemovalPolicy(values),
      sealer: policy.sealer,
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm render: ${error.message}\n`);
    return ExitCode.invalid;
  }
  if (request.hubs) {
    const { hubs, ...rest } = request;
    return runRenderHubs({ ...rest, ...hubs }, terminal, (result) => reportCheck(result.report!, request.outDir, terminal));
  }
  const command = request.check ? "osac-vm render --check" : "osac-vm render";
  let result: RenderTreeResult;
  try {
    result = await renderTree({
      ...request,
      ...(terminal.readStdin ? { readStdin: terminal.readStdin } : {}),
      onProgress: progressReporter(terminal, command),
    });
  } catch (error) {
    return renderFailure(command, error, request, terminal);
  }
  const failed = inputErrors(command, result, request.outDir, terminal);
  if (failed !== undefined) return failed;
  const removals = result.removals!;
  if (!removals.allowed) {
    terminal.stderr.write(`${refusalMessage(command, removals, request.outDir)}\n`);
    return ExitCode.invalid;
  }
  if (removals.waived.length > 0) terminal.stderr.write(`${waivedMessage(command, removals, request.outDir)}\n`);
  return request.check ? reportCheck(result.report!, request.outDir, terminal) : reportRender(result, request, terminal);
}

function reportCheck(report: SyncReport, outDir: string, terminal: Terminal): number {
  const stale = [...report.changed.map((path) => `differs: ${path}`), ...report.removed.map((path) => `stale: ${path}`)];
  for (const line of stale) terminal.stdout.write(`${line}\n`);
  terminal.stderr.write(
    stale.length === 0
      ? `osac-vm render --check: ${report.unchanged} file(s) up to date\n`
      : `osac-vm render --check: ${stale.length} file(s) out of date in ${outDir}; re-run without --check\n`,
  );
  return stale.length === 0 ? ExitCode.ok : ExitCode.differs;
}

function reportRender(result: RenderTreeResult, request: RenderRequest, terminal: Terminal): number {
  const report = result.report!;
  terminal.stderr.write(
    `Rendered ${result.orderCount} order(s) into ${request.outDir}: ${report.changed.length} written, ` +
      `${report.removed.length} removed, ${report.unchanged} unchanged` +
      `${request.sealer ? `; ${sealingSummary(request.sealer)}` : ""}\n`,
  );
  return ExitCode.ok;
}
