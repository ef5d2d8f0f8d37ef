import { resolve } from "node:path";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { openPreparedSsvirtDatabase, ssvirtDatabaseOptions } from "./ssvirt-database.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { DEFAULT_SSVIRT_DATA_DIR } from "../ssvirt/database/open-database.ts";

const USAGE = `Usage: osac-vm ssvirt render --out <dir> [options]

Renders the namespace of every VDC in SSVirt's database into --out: <namespace>/_vdc.yaml holds the
Namespace, ResourceQuota vdc-quota, LimitRange vdc-limits and NetworkPolicy vdc-ingress. Disabled
VDCs keep their namespace, closed to new VMs. A deleted VDC's file is removed once its namespace
holds no VM (in the tree or in SSVirt's vms table); until then it is kept and reported. Files
whose namespace no VDC row names are kept and reported. Nothing else in --out is touched; the
orders' renderer may write the same tree.

Options:
  --out <dir>          Output directory (the GitOps tree)
  --check              Write nothing; exit 1 listing the files that differ from a fresh render
  --data-dir <dir>     Embedded database directory when SSVIRT_DATABASE_URL is unset (default .data-ssvirt)

Environment: SSVIRT_DATABASE_URL (postgres://…, SSVirt's database; read only).
`;

const OPTIONS = {
  out: { type: "string" },
  check: { type: "boolean" },
  "data-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runSsvirtRender(args: string[], terminal: Terminal): Promise<number> {
  let values;
  try {
    values = parseCommandLine(args, OPTIONS, USAGE).values;
    if (values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    if (!values.out) throw new UsageError(`--out is required\n\n${USAGE}`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm ssvirt render: ${error.message}\n`);
    return ExitCode.invalid;
  }
  const database = ssvirtDatabaseOptions(terminal.env, values["data-dir"] ?? DEFAULT_SSVIRT_DATA_DIR);
  if ("error" in database) {
    terminal.stderr.write(`osac-vm ssvirt render: ${database.error}\n`);
    return ExitCode.invalid;
  }
  const outDir = resolve(values.out);
  const check = values.check ?? false;
  let session;
  try {
    session = await openPreparedSsvirtDatabase(database);
  } catch (error) {
    terminal.stderr.write(`osac-vm ssvirt render: cannot use SSVirt's database: ${(error as Error).message}\n`);
    return ExitCode.failure;
  }
  try {
    const { renderVdcTree } = await import("../ssvirt/render/render-vdc-tree.ts");
    let result;
    try {
      result = await renderVdcTree({ session, outDir, check });
    } catch (error) {
      terminal.stderr.write(`osac-vm ssvirt render: failed: ${(error as Error).message}\n`);
      return ExitCode.failure;
    }
    for (const problem of result.problems) terminal.stderr.write(`problem: ${problem}\n`);
    for (const warning of result.warnings) terminal.stderr.write(`warning: ${warning}\n`);
    for (const kept of result.retained) {
      terminal.stderr.write(
        `kept: namespace ${kept.namespace} of deleted VDC ${kept.vdcId} (${JSON.stringify(kept.vdcName)}) still holds ${kept.vms.length} VM(s): ${kept.vms.join(", ")}; it stays, closed to new VMs, until they are gone\n`,
      );
    }
    for (const namespace of result.orphaned) {
      terminal.stderr.write(`kept: ${namespace}/_vdc.yaml: no VDC row of SSVirt's database names namespace ${namespace}; left as it was (remove the file to remove the namespace)\n`);
    }
    const { report } = result;
    if (check) {
      const stale = [...report.changed.map((path) => `differs: ${path}`), ...report.removed.map((path) => `stale: ${path}`)];
      for (const line of stale) terminal.stdout.write(`${line}\n`);
      terminal.stderr.write(
        stale.length === 0 ? `osac-vm ssvirt render --check: ${report.unchanged} file(s) up to date\n` : `osac-vm ssvirt render --check: ${stale.length} file(s) out of date in ${outDir}; re-run without --check\n`,
      );
      return stale.length === 0 ? ExitCode.ok : ExitCode.differs;
    }
    terminal.stderr.write(`Rendered ${result.vdcCount} VDC row(s) into ${outDir}: ${report.changed.length} written, ${report.removed.length} removed, ${report.unchanged} unchanged\n`);
    return ExitCode.ok;
  } finally {
    await session.close().catch(() => undefined);
  }
}
