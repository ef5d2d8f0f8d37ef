import { parseCommandLine, UsageError } from "./arguments.ts";
import { openPreparedSsvirtDatabase } from "./ssvirt-database.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { DEFAULT_SSVIRT_DATA_DIR } from "../ssvirt/database/open-database.ts";

const USAGE = `Usage: osac-vm ssvirt add-vdc --organization <name> --name <vdc> [options]

Adds a VDC (and its organization, when new) to the embedded SSVirt database, the way SSVirt's API
creates one: a urn:vcloud:vdc: id and the namespace SSVirt's rule gives it (vdc-<org>-<vdc>, -1 …
on collision). Prints the namespace. For local use: SSVirt's own database gets its VDCs from SSVirt,
so this refuses to run with SSVIRT_DATABASE_URL set.

Options:
  --organization <name>   Organization name
  --name <name>           VDC name
  --description <text>
  --cpu-limit <n>         With --cpu-units cores or millicores this becomes the CPU quota
  --cpu-units <units>     MHz (SSVirt's default), cores or millicores
  --memory-limit <MiB>    Memory quota in MiB (SSVirt's unit "MB")
  --disabled              Add it disabled (its namespace allows no new VM)
  --data-dir <dir>        Embedded database directory (default .data-ssvirt)
`;

const OPTIONS = {
  organization: { type: "string" },
  name: { type: "string" },
  description: { type: "string" },
  "cpu-limit": { type: "string" },
  "cpu-units": { type: "string" },
  "memory-limit": { type: "string" },
  disabled: { type: "boolean" },
  "data-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function nonNegativeInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,12}$/.test(value)) throw new UsageError(`${flag} '${value}': must be a whole number from 0 to 999999999999`);
  return Number(value);
}

export async function runSsvirtAddVdc(args: string[], terminal: Terminal): Promise<number> {
  let input;
  let dataDir;
  try {
    const { values } = parseCommandLine(args, OPTIONS, USAGE);
    if (values.help) {
      terminal.stdout.write(USAGE);
      return ExitCode.ok;
    }
    if (!values.organization) throw new UsageError("--organization is required");
    if (!values.name) throw new UsageError("--name is required");
    const units = values["cpu-units"] ?? "MHz";
    if (!["MHz", "cores", "millicores"].includes(units)) throw new UsageError(`--cpu-units '${units}': use MHz, cores or millicores`);
    if (terminal.env.SSVIRT_DATABASE_URL) throw new UsageError("add-vdc writes only the embedded database; SSVirt's own database gets its VDCs from SSVirt's API (unset SSVIRT_DATABASE_URL)");
    const cpuLimit = nonNegativeInteger("--cpu-limit", values["cpu-limit"]);
    const memoryLimit = nonNegativeInteger("--memory-limit", values["memory-limit"]);
    input = {
      organization: values.organization,
      name: values.name,
      cpuUnits: units,
      enabled: !values.disabled,
      ...(values.description !== undefined ? { description: values.description } : {}),
      ...(cpuLimit !== undefined ? { cpuLimit } : {}),
      ...(memoryLimit !== undefined ? { memoryLimit } : {}),
    };
    dataDir = values["data-dir"] ?? DEFAULT_SSVIRT_DATA_DIR;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm ssvirt add-vdc: ${error.message}\n`);
    return ExitCode.invalid;
  }
  let session;
  try {
    session = await openPreparedSsvirtDatabase({ dataDir });
  } catch (error) {
    terminal.stderr.write(`osac-vm ssvirt add-vdc: cannot use the embedded database in ${dataDir}: ${(error as Error).message}\n`);
    return ExitCode.failure;
  }
  try {
    const { insertVdc } = await import("../ssvirt/database/insert-vdc.ts");
    const vdc = await insertVdc(session, input);
    terminal.stdout.write(`${vdc.namespace}\n`);
    terminal.stderr.write(`Added VDC ${vdc.id} to organization ${vdc.organizationId}: namespace ${vdc.namespace}\n`);
    return ExitCode.ok;
  } catch (error) {
    terminal.stderr.write(`osac-vm ssvirt add-vdc: ${(error as Error).message}\n`);
    return ExitCode.failure;
  } finally {
    await session.close().catch(() => undefined);
  }
}
