import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadValueKey, SealingSettingError, type ValueKey } from "../gitops/sealing/index.ts";
import { readHubFile } from "../hubs/hub-file.ts";
import { hubModel, type HubModel } from "../hubs/hub-model.ts";
import type { ArgoCdSettings } from "../render/hubs/argocd-objects.ts";
import { renderHubsTree, type RenderHubsTreeResult } from "../render/hubs/render-hubs-tree.ts";
import type { RenderOptions } from "../render/profile.ts";
import type { RemovalPolicy } from "../render/tree/removal-guard.ts";
import { UsageError } from "./arguments.ts";
import { refusalMessage, waivedMessage } from "./removal-options.ts";
import { sealingSummary } from "./sealing-options.ts";
import { inputErrors, renderFailure } from "./render-outcome.ts";
import { ExitCode, progressReporter, type Terminal } from "./terminal.ts";

/** `render --hubs` and its Argo CD options (docs/adr/0030-per-hub-output.md). */
export const RENDER_HUBS_OPTIONS = {
  hubs: { type: "string" },
  "argocd-repo-url": { type: "string" },
  "argocd-revision": { type: "string" },
  "argocd-path": { type: "string" },
  "argocd-namespace": { type: "string" },
} as const;

export const RENDER_HUBS_USAGE = `  --hubs <file>             Per-hub output: the hub registry (Hub objects or a HubList, as kubectl get hubs
                            -o yaml prints it). Each order goes to hubs/<hub>/<tenant-namespace>/: the hub of
                            its cloudkit.openshift.io/hub annotation, else the hub it is already rendered on,
                            else one placed as admission does. Secrets are sealed with each hub's
                            spec.sealingCertificate (then --seal-key-file is needed; --seal-with does not apply)
  --argocd-repo-url <url>   With --hubs: also write argocd/: an Application per hub and tenant namespace and
                            an AppProject per tenant namespace, for the Git repository --out is committed to
  --argocd-path <dir>       Where --out is inside that repository (default: its root)
  --argocd-revision <rev>   The Applications' targetRevision (default HEAD)
  --argocd-namespace <ns>   Argo CD's namespace (default argocd)
`;

export interface RenderHubsValues {
  readonly hubs?: string | undefined;
  readonly "argocd-repo-url"?: string | undefined;
  readonly "argocd-revision"?: string | undefined;
  readonly "argocd-path"?: string | undefined;
  readonly "argocd-namespace"?: string | undefined;
  readonly "seal-with"?: string | undefined;
  readonly "seal-key-file"?: string | undefined;
  readonly reseal?: boolean | undefined;
}

export interface RenderHubsRequest {
  readonly inputs: string[];
  readonly outDir: string;
  readonly check: boolean;
  readonly options: RenderOptions;
  readonly removalPolicy: RemovalPolicy;
  readonly hubs: readonly HubModel[];
  readonly valueKey?: ValueKey;
  readonly reseal: boolean;
  readonly argoCd?: ArgoCdSettings;
}

/** Without --hubs, the Argo CD options mean nothing: say so rather than ignore them. */
export function checkWithoutHubs(values: RenderHubsValues): void {
  if (values.hubs !== undefined) return;
  const stray = Object.keys(RENDER_HUBS_OPTIONS).find((name) => name !== "hubs" && values[name as keyof RenderHubsValues] !== undefined);
  if (stray) throw new UsageError(`--${stray} needs --hubs <file> (the Argo CD objects are generated for per-hub output)`);
}

/** The sealing options as they apply to --hubs; the rest of the render policy is parsed as usual. */
export function hubSealingValues<T extends RenderHubsValues>(values: T): T {
  if (values["seal-with"] !== undefined) {
    throw new UsageError("--seal-with does not apply with --hubs: each hub's Secrets are sealed with its own spec.sealingCertificate from the hub file");
  }
  return { ...values, "seal-key-file": undefined, reseal: undefined };
}

/** Reads the hub file, the value key and the Argo CD settings. Throws a UsageError (exit 2) naming the option. */
export function hubsRequestParts(values: RenderHubsValues, outDir: string, terminal: Terminal): Pick<RenderHubsRequest, "hubs" | "valueKey" | "reseal" | "argoCd"> {
  const file = values.hubs!;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--hubs ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const reading = readHubFile(text, file);
  if (reading.errors.length > 0) throw new UsageError(`--hubs: the hub file is not valid:\n${reading.errors.join("\n")}`);
  let valueKey: ValueKey | undefined;
  if (values["seal-key-file"] !== undefined) {
    try {
      const loaded = loadValueKey({ keyFile: values["seal-key-file"], keySetting: "--seal-key-file", outputDirectory: outDir });
      for (const warning of loaded.warnings) terminal.stderr.write(`warning: ${warning}\n`);
      valueKey = loaded.valueKey;
    } catch (error) {
      if (error instanceof SealingSettingError) throw new UsageError(error.message);
      throw error;
    }
  } else if (values.reseal) {
    throw new UsageError("--reseal needs --seal-key-file <file> (with --hubs, the certificates come from the hub file)");
  }
  return {
    hubs: reading.hubs.map(hubModel),
    ...(valueKey ? { valueKey } : {}),
    reseal: values.reseal ?? false,
    ...argoCdSettings(values),
  };
}

function argoCdSettings(values: RenderHubsValues): { argoCd?: ArgoCdSettings } {
  const repoURL = values["argocd-repo-url"];
  if (repoURL === undefined) {
    const stray = ["argocd-revision", "argocd-path", "argocd-namespace"].find((name) => values[name as keyof RenderHubsValues] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --argocd-repo-url <url>`);
    return {};
  }
  if (repoURL.trim() === "") throw new UsageError("--argocd-repo-url: must not be empty");
  const namespace = values["argocd-namespace"] ?? "argocd";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || namespace.length > 63) {
    throw new UsageError(`--argocd-namespace '${namespace}' is not a namespace name (lowercase letters, digits and '-', at most 63)`);
  }
  const path = values["argocd-path"] ?? "";
  if (path.split("/").includes("..")) throw new UsageError(`--argocd-path '${path}': must not contain '..'`);
  return { argoCd: { repoURL, targetRevision: values["argocd-revision"] ?? "HEAD", path, namespace } };
}

export async function runRenderHubs(request: RenderHubsRequest, terminal: Terminal, reportCheck: (result: RenderHubsTreeResult) => number): Promise<number> {
  const command = request.check ? "osac-vm render --check" : "osac-vm render";
  let result: RenderHubsTreeResult;
  try {
    result = await renderHubsTree({
      inputs: request.inputs,
      outDir: request.outDir,
      check: request.check,
      options: request.options,
      removalPolicy: request.removalPolicy,
      hubs: request.hubs,
      sealing: { ...(request.valueKey ? { valueKey: request.valueKey } : {}), reseal: request.reseal, now: new Date() },
      argoCd: request.argoCd,
      ...(terminal.readStdin ? { readStdin: terminal.readStdin } : {}),
      onProgress: progressReporter(terminal, command),
    });
  } catch (error) {
    return renderFailure(command, error, request, terminal, "the hub's certificate");
  }
  const failed = inputErrors(command, result, request.outDir, terminal);
  if (failed !== undefined) return failed;
  const removals = result.removals!;
  const tree = result.removalTree ? join(request.outDir, result.removalTree) : request.outDir;
  if (!removals.allowed) {
    terminal.stderr.write(`${refusalMessage(command, removals, tree)}\n`);
    return ExitCode.invalid;
  }
  if (removals.waived.length > 0) terminal.stderr.write(`${waivedMessage(command, removals, tree)}\n`);
  if (request.check) return reportCheck(result);
  const report = result.report!;
  const perHub = [...result.ordersByHub].map(([hub, count]) => `${hub}: ${count}`).join(", ");
  const sealed = [...result.sealers].map(([hub, sealer]) => `hub ${hub} ${sealingSummary(sealer)}`).join("; ");
  terminal.stderr.write(
    `Rendered ${result.orderCount} order(s) for ${result.ordersByHub.size} hub(s) (${perHub || "none"}) into ${request.outDir}: ` +
      `${report.changed.length} written, ${report.removed.length} removed, ${report.unchanged} unchanged${sealed ? `; ${sealed}` : ""}\n`,
  );
  return ExitCode.ok;
}
