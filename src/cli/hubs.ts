import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { HUB_API_VERSION, HUB_LIST_KIND, type Hub } from "../api/gitops/v1alpha1/hub.ts";
import { readHubFile } from "../hubs/hub-file.ts";
import { hubModel } from "../hubs/hub-model.ts";
import { formatHubTable } from "../hubs/hub-table.ts";
import { HubRegistryClient, HubRegistryError } from "../hubs/registry-client.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { runHubsAdd } from "./hubs-add.ts";
import { connectToCluster } from "./hubs-cluster.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

const USAGE = `Usage: osac-vm hubs <list|add|cordon|uncordon> [options]

The hub registry: cluster-scoped Hub objects (gitops.cloudkit.openshift.io/v1alpha1) on the
management cluster, each with its kubeconfig in a Secret of the controller's namespace.

  osac-vm hubs list [-o wide|yaml|json] [--file <hubs.yaml>]
      Hubs with reachability, cordon and allocated/capacity per dimension. --file reads the
      offline registry (Hub objects or a HubList, as 'render --hubs' takes it) and checks it.
  osac-vm hubs add <name> --hub-kubeconfig <file|-> [options]   (osac-vm hubs add --help)
  osac-vm hubs cordon <name>      New orders are no longer placed on the hub; its orders stay.
  osac-vm hubs uncordon <name>

Common options:
  --kubeconfig <path>   The management cluster (default: KUBECONFIG, in-cluster, ~/.kube/config)
`;

const LIST_OPTIONS = {
  output: { type: "string", short: "o" },
  file: { type: "string" },
  kubeconfig: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const CORDON_OPTIONS = { kubeconfig: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

export async function runHubs(args: string[], terminal: Terminal): Promise<number> {
  const [subcommand, ...rest] = args;
  try {
    switch (subcommand) {
      case "list":
        return await runList(rest, terminal);
      case "add":
        return await runHubsAdd(rest, terminal);
      case "cordon":
      case "uncordon":
        return await runCordon(rest, terminal, subcommand === "cordon");
      case "--help":
      case "-h":
      case "help":
        terminal.stdout.write(USAGE);
        return ExitCode.ok;
      default:
        throw new UsageError(`${subcommand === undefined ? "a subcommand is required" : `unknown subcommand '${subcommand}'`}\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.stderr.write(`osac-vm hubs: ${error.message}\n`);
      return ExitCode.invalid;
    }
    if (error instanceof HubRegistryError) {
      terminal.stderr.write(`osac-vm hubs: ${error.message}\n`);
      return ExitCode.failure;
    }
    throw error;
  }
}

async function runList(args: string[], terminal: Terminal): Promise<number> {
  const { values } = parseCommandLine(args, LIST_OPTIONS, USAGE);
  if (values.help) {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  const output = values.output ?? "table";
  if (!["table", "wide", "yaml", "json"].includes(output)) throw new UsageError(`-o: '${output}' is not an output format; use wide, yaml or json`);
  let hubs: Hub[];
  if (values.file !== undefined) {
    const text = values.file === "-" ? (terminal.readStdin?.() ?? readFileSync(0, "utf8")) : readFile(values.file);
    const reading = readHubFile(text, values.file === "-" ? "<stdin>" : values.file);
    if (reading.errors.length > 0) {
      for (const error of reading.errors) terminal.stdout.write(`${error}\n`);
      terminal.stderr.write(`osac-vm hubs: ${reading.errors.length} error(s)\n`);
      return ExitCode.invalid;
    }
    hubs = [...reading.hubs];
  } else {
    const cluster = connectToCluster(terminal, values.kubeconfig);
    try {
      hubs = await new HubRegistryClient(cluster.rest).list();
    } finally {
      cluster.rest.close();
    }
  }
  if (output === "yaml" || output === "json") {
    const list = { apiVersion: HUB_API_VERSION, kind: HUB_LIST_KIND, items: hubs };
    terminal.stdout.write(output === "json" ? `${JSON.stringify(list, null, 2)}\n` : yaml.dump(list, { noRefs: true, lineWidth: -1 }));
    return ExitCode.ok;
  }
  terminal.stdout.write(formatHubTable(hubs.map(hubModel), { wide: output === "wide", nowMs: Date.now() }));
  return ExitCode.ok;
}

async function runCordon(args: string[], terminal: Terminal, cordoned: boolean): Promise<number> {
  const { values, positionals } = parseCommandLine(args, CORDON_OPTIONS, USAGE, true);
  if (values.help) {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`${cordoned ? "cordon" : "uncordon"} takes one hub name\n\n${USAGE}`);
  const name = positionals[0]!;
  const cluster = connectToCluster(terminal, values.kubeconfig);
  try {
    const changed = await new HubRegistryClient(cluster.rest).setCordoned(name, cordoned);
    const verb = cordoned ? "cordoned" : "uncordoned";
    terminal.stdout.write(`hub.gitops.cloudkit.openshift.io/${name} ${changed ? verb : `already ${verb}`}\n`);
    return ExitCode.ok;
  } finally {
    cluster.rest.close();
  }
}

function readFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
