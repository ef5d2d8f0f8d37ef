import { readFileSync } from "node:fs";
import { HUB_CAPABILITIES, HUB_TYPES, type HubCapability, type HubType } from "../api/gitops/v1alpha1/hub.ts";
import { formatFieldError } from "../domain/field-error.ts";
import { newHubObjects, type NewHub } from "../hubs/new-hub.ts";
import { HubRegistryClient } from "../hubs/registry-client.ts";
import { parseCommandLine, UsageError } from "./arguments.ts";
import { connectToCluster } from "./hubs-cluster.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

/** Where the controller reads kubeconfig Secrets unless told otherwise (the chart's default namespace). */
export const DEFAULT_HUB_SECRETS_NAMESPACE = "osac-vm-gitops";

const USAGE = `Usage: osac-vm hubs add <name> --hub-kubeconfig <file|-> [options]

Creates the hub's kubeconfig Secret in the controller's namespace, then the Hub referring to it.
The kubeconfig is read from a file (or stdin with '-'), checked as the hub prober will read it,
and never printed. Nothing is left behind when the Hub cannot be created.

Options:
  --hub-kubeconfig <file|->         The hub cluster's kubeconfig (required; token or client certificate, no exec plugins or file paths)
  --capability <c>                  clusters | virtualmachines; repeat for both (default virtualmachines)
  --hub-type <t>                    cluster | vmaas | hybrid (default vmaas)
  --hub-namespace <ns>              The hub's namespace for fulfillment objects (default vmaas-system)
  --label <key=value>               A placement label (region, zone…); repeat
  --vms <n> --vcpus <n> --memory <q>   Capacity (e.g. --memory 4Ti); a dimension not given is not limited
  --cordoned                        Register it cordoned (no orders until 'osac-vm hubs uncordon')
  --sealing-certificate-file <file> PEM certificate of the hub's sealed-secrets controller
  --default-storage-class <name>    Storage class for the hub's orders that name none
  --argocd-cluster-name <name>      The hub's cluster name in Argo CD
  --secret-name <name>              Name of the kubeconfig Secret (default <name>-kubeconfig)
  --secrets-namespace <ns>          The controller's namespace (default OSAC_VM_HUB_SECRETS_NAMESPACE, else ${DEFAULT_HUB_SECRETS_NAMESPACE})
  --kubeconfig <path>               The management cluster
`;

const OPTIONS = {
  "hub-kubeconfig": { type: "string" },
  capability: { type: "string", multiple: true },
  "hub-type": { type: "string" },
  "hub-namespace": { type: "string" },
  label: { type: "string", multiple: true },
  vms: { type: "string" },
  vcpus: { type: "string" },
  memory: { type: "string" },
  cordoned: { type: "boolean" },
  "sealing-certificate-file": { type: "string" },
  "default-storage-class": { type: "string" },
  "argocd-cluster-name": { type: "string" },
  "secret-name": { type: "string" },
  "secrets-namespace": { type: "string" },
  kubeconfig: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function runHubsAdd(args: string[], terminal: Terminal): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS, USAGE, true);
  if (values.help) {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`add takes one hub name\n\n${USAGE}`);
  if (values["hub-kubeconfig"] === undefined) throw new UsageError(`--hub-kubeconfig is required (a file, or '-' for stdin)\n\n${USAGE}`);
  const problems: string[] = [];
  const input: NewHub = {
    name: positionals[0]!,
    capabilities: oneOf("--capability", values.capability ?? ["virtualmachines"], HUB_CAPABILITIES, problems) as HubCapability[],
    ...(values["hub-type"] !== undefined && oneOf("--hub-type", [values["hub-type"]], HUB_TYPES, problems).length === 1 ? { hubType: values["hub-type"] as HubType } : {}),
    ...(values["hub-namespace"] !== undefined ? { namespace: values["hub-namespace"] } : {}),
    labels: labels(values.label ?? [], problems),
    capacity: {
      ...count("--vms", values.vms, "vms", problems),
      ...count("--vcpus", values.vcpus, "vcpus", problems),
      ...(values.memory !== undefined ? { memory: values.memory } : {}),
    },
    cordoned: values.cordoned === true,
    ...(values["sealing-certificate-file"] !== undefined ? { sealingCertificate: readText(values["sealing-certificate-file"], "--sealing-certificate-file", terminal) } : {}),
    ...(values["default-storage-class"] !== undefined ? { defaultStorageClass: values["default-storage-class"] } : {}),
    ...(values["argocd-cluster-name"] !== undefined ? { argocdClusterName: values["argocd-cluster-name"] } : {}),
    ...(values["secret-name"] !== undefined ? { secretName: values["secret-name"] } : {}),
  };
  const kubeconfigText = readText(values["hub-kubeconfig"], "--hub-kubeconfig", terminal);
  const secretsNamespace = values["secrets-namespace"] ?? terminal.env.OSAC_VM_HUB_SECRETS_NAMESPACE ?? DEFAULT_HUB_SECRETS_NAMESPACE;
  const objects = newHubObjects(input, kubeconfigText, secretsNamespace);
  if (problems.length > 0 || !objects.ok) {
    for (const problem of [...problems, ...(objects.ok ? [] : objects.errors.map(formatFieldError))]) terminal.stderr.write(`osac-vm hubs add: ${problem}\n`);
    return ExitCode.invalid;
  }
  const cluster = connectToCluster(terminal, values.kubeconfig);
  try {
    await new HubRegistryClient(cluster.rest).add(objects.hub, objects.secret);
  } finally {
    cluster.rest.close();
  }
  terminal.stdout.write(`secret/${objects.secret.metadata.name} created\nhub.gitops.cloudkit.openshift.io/${objects.hub.metadata.name} created\n`);
  return ExitCode.ok;
}

function oneOf(flag: string, given: readonly string[], accepted: readonly string[], problems: string[]): string[] {
  for (const value of given) if (!accepted.includes(value)) problems.push(`${flag}: '${value}' is not one of ${accepted.join(", ")}`);
  return [...new Set(given.filter((value) => accepted.includes(value)))];
}

function labels(given: readonly string[], problems: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of given) {
    const equals = entry.indexOf("=");
    if (equals <= 0) problems.push(`--label: '${entry}' is not key=value`);
    else result[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return result;
}

function count(flag: string, text: string | undefined, field: "vms" | "vcpus", problems: string[]): { vms?: number; vcpus?: number } {
  if (text === undefined) return {};
  if (!/^\d{1,9}$/.test(text)) {
    problems.push(`${flag}: '${text}' is not a whole number ≥ 0`);
    return {};
  }
  return { [field]: Number(text) };
}

/** Reads a file or stdin; an unreadable file is a usage error naming the path, never its content. */
function readText(path: string, flag: string, terminal: Terminal): string {
  try {
    return path === "-" ? (terminal.readStdin?.() ?? readFileSync(0, "utf8")) : readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path === "-" ? "stdin" : path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
}
