// Runs helm (through scripts/helm.sh, which finds it; tests never install it) on
// charts/osac-vm-gitops and parses what it renders. Shared by the chart suite (test/chart/) and
// test/e2e/chart.test.ts.
import { execFile } from "node:child_process";
import { join } from "node:path";
import yaml from "js-yaml";

export const REPO = join(import.meta.dirname, "../../..");
export const CHART_DIR = join(REPO, "charts/osac-vm-gitops");
export const HELM_SH = join(REPO, "scripts/helm.sh");

/** The documented option sets (charts/osac-vm-gitops/ci/, described in the chart README). */
export const OPTION_SETS = {
  default: [],
  "cert-manager": ["ci/cert-manager-values.yaml"],
  "external-database": ["ci/external-database-values.yaml"],
  "datavolume-ignore": ["ci/datavolume-ignore-values.yaml"],
  rollout: ["ci/rollout-values.yaml"],
  "embedded-pvc": ["ci/embedded-pvc-values.yaml"],
  committer: ["ci/committer-values.yaml"],
  hubs: ["ci/hubs-values.yaml"],
  ssvirt: ["ci/ssvirt-values.yaml"],
} as const satisfies Record<string, readonly string[]>;
export type OptionSet = keyof typeof OPTION_SETS;

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function helm(args: string[], options: { timeoutMs?: number; env?: Record<string, string>; stdin?: string } = {}): Promise<HelmResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "bash",
      [HELM_SH, ...args],
      // OSAC_HELM_NO_INSTALL: a missing helm fails at once (ensureHelm says how to get it) instead
      // of a silent multi-minute `go install` inside a test.
      { cwd: REPO, env: { ...process.env, OSAC_HELM_NO_INSTALL: "1", ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, stdout, stderr }),
    );
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    else child.stdin!.end();
  });
}

/**
 * Makes sure helm 3 runs. Tests never install it: without it this throws at once — never skips —
 * with how to get it.
 */
export async function ensureHelm(): Promise<string> {
  const result = await helm(["version", "--short"], { timeoutMs: 30_000 });
  if (result.code !== 0 || !/^v3\./m.test(result.stdout)) {
    throw new Error(
      `These tests need helm 3, and scripts/helm.sh found none (exit ${result.code}):\n${result.stderr.trim().slice(-1500)}\n` +
        "Get it with `bash scripts/helm.sh version` (go install of helm v3.21.4 from the Go module proxy, needs Go >= 1.24; " +
        ".ci/run does this before the suites), or put a helm 3 binary on PATH, or set HELM_BIN=<path>.",
    );
  }
  return result.stdout.trim();
}

export type KubeDoc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: any }; [key: string]: any };

export interface TemplateOptions {
  release?: string;
  namespace?: string;
  optionSet?: OptionSet;
  valuesFiles?: string[];
  /** --set key=value pairs. */
  set?: Record<string, string | number | boolean>;
  kubeVersion?: string;
}

export function templateArgs(options: TemplateOptions = {}): string[] {
  const args = ["template", options.release ?? "osac", CHART_DIR, "--namespace", options.namespace ?? "osac-vm-gitops"];
  for (const file of [...OPTION_SETS[options.optionSet ?? "default"], ...(options.valuesFiles ?? [])]) args.push("-f", file.startsWith("/") ? file : join(CHART_DIR, file));
  for (const [key, value] of Object.entries(options.set ?? {})) args.push("--set", `${key}=${value}`);
  args.push("--kube-version", options.kubeVersion ?? "1.33.0");
  return args;
}

/** `helm template` output as text; throws with helm's message on failure. */
export async function renderText(options: TemplateOptions = {}): Promise<string> {
  const result = await helm(templateArgs(options));
  if (result.code !== 0) throw new Error(`helm ${templateArgs(options).join(" ")} failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout;
}

export async function render(options: TemplateOptions = {}): Promise<KubeDoc[]> {
  return parseDocs(await renderText(options));
}

export function parseDocs(text: string): KubeDoc[] {
  return (yaml.loadAll(text) as (KubeDoc | null)[]).filter((doc): doc is KubeDoc => doc !== null && typeof doc === "object");
}

export function find(docs: KubeDoc[], kind: string, nameSuffix = ""): KubeDoc {
  const found = docs.filter((doc) => doc.kind === kind && doc.metadata.name.endsWith(nameSuffix));
  if (found.length !== 1) throw new Error(`expected one ${kind} named *${nameSuffix}, found ${found.map((d) => d.metadata.name).join(", ") || "none"}`);
  return found[0]!;
}

export function findAll(docs: KubeDoc[], kind: string): KubeDoc[] {
  return docs.filter((doc) => doc.kind === kind);
}

/** `--name=value` container args as a flags object (what the processes' parseArgs sees). */
export function argsToFlags(args: string[]): Record<string, string | boolean> {
  const flags: Record<string, string | boolean> = {};
  for (const arg of args) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected container argument ${arg}`);
    flags[match[1]!] = match[2] ?? true;
  }
  return flags;
}

/** Plain env values of a container (valueFrom entries are left out). */
export function plainEnv(container: { env?: { name: string; value?: string }[] }): Record<string, string> {
  return Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}
