// Argo CD Applications for the tests: the example Application and AppProject of
// examples/argocd/application.yaml with the repoURL substituted (and the names, so that several
// can live side by side), refreshes through the refresh annotation, and waits that print the
// Application's status when they time out.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { ARGOCD_NAMESPACE } from "../../../scripts/cluster/argocd.ts";
import { REPO_ROOT } from "../../../scripts/cluster/harness.ts";
import { rawRequest, ResourceMapper, serverSideApply, type KubeObject } from "../../e2e/support/kube.ts";

export const EXAMPLE_APPLICATION_FILE = path.join(REPO_ROOT, "examples/argocd/application.yaml");
const APPS = `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications`;
const TEST_MANAGER = "gitops-test";

export interface ResourceStatus {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: { status?: string; message?: string };
  requiresPruning?: boolean;
  syncWave?: number;
}

export interface Application extends KubeObject {
  spec: Record<string, any>;
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    conditions?: { type: string; message: string }[];
    resources?: ResourceStatus[];
    reconciledAt?: string;
    operationState?: {
      phase?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      syncResult?: { revision?: string; resources?: { group?: string; kind: string; namespace?: string; name: string; status?: string; message?: string; syncPhase?: string }[] };
    };
  };
}

/** The example Application and its AppProject, for `repoURL`, both named `name`. */
export function exampleApplication(name: string, repoURL: string): { project: KubeObject; application: Application } {
  const docs = yaml.loadAll(fs.readFileSync(EXAMPLE_APPLICATION_FILE, "utf8")) as KubeObject[];
  const application = structuredClone(docs.find((d) => d.kind === "Application")) as Application;
  const project = structuredClone(docs.find((d) => d.kind === "AppProject")) as KubeObject & { spec: { sourceRepos: string[] } };
  if (!application || !project) throw new Error(`${EXAMPLE_APPLICATION_FILE}: expected an Application and an AppProject`);
  application.metadata.name = name;
  application.spec.project = name;
  application.spec.source.repoURL = repoURL;
  project.metadata.name = name;
  project.spec.sourceRepos = [repoURL];
  return { project, application };
}

/** One line per interesting fact of an Application's status, for failure messages. */
export function describeApplication(app: Application | undefined): string {
  if (!app) return "(the Application does not exist)";
  const s = app.status ?? {};
  const lines = [
    `sync=${s.sync?.status} revision=${s.sync?.revision} health=${s.health?.status}${s.health?.message ? ` (${s.health.message})` : ""} reconciledAt=${s.reconciledAt}`,
    `operation: ${s.operationState?.phase ?? "none"}${s.operationState?.message ? `: ${s.operationState.message}` : ""}`,
    ...(s.conditions ?? []).map((c) => `condition ${c.type}: ${c.message}`),
    ...(s.resources ?? [])
      .filter((r) => r.status !== "Synced" || (r.health && r.health.status !== "Healthy"))
      .map((r) => `resource ${r.kind} ${r.namespace ?? ""}/${r.name}: sync=${r.status} health=${r.health?.status ?? "-"}${r.health?.message ? ` (${r.health.message})` : ""}${r.requiresPruning ? " requiresPruning" : ""}`),
  ];
  const annotations = app.metadata.annotations as Record<string, string> | undefined;
  if (annotations?.["argocd.argoproj.io/refresh"]) lines.push(`refresh pending: ${annotations["argocd.argoproj.io/refresh"]}`);
  return lines.join("\n  ");
}

export class ArgoApplications {
  private readonly mapper: ResourceMapper;

  constructor(
    private readonly kc: k8s.KubeConfig,
    /** The application controller's log, whose tail goes into timeout messages. */
    private readonly controllerLog?: string,
  ) {
    this.mapper = new ResourceMapper(kc);
  }

  /** Creates or updates the AppProject, then the Application (server-side apply). */
  async apply(app: { project: KubeObject; application: Application }): Promise<void> {
    await serverSideApply(this.kc, this.mapper, app.project, TEST_MANAGER);
    await serverSideApply(this.kc, this.mapper, app.application, TEST_MANAGER);
  }

  async get(name: string): Promise<Application | undefined> {
    const res = await rawRequest(this.kc, "GET", `${APPS}/${name}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET Application ${name}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as Application;
  }

  /**
   * Asks the application controller to refresh now (what a Git webhook or `argocd app get
   * --refresh` does) and waits until it has: the controller removes the annotation once the
   * comparison is written. `hard` also drops the repo server's manifest cache.
   */
  async refresh(name: string, kind: "normal" | "hard" = "normal", timeoutMs = 60_000): Promise<Application> {
    const patch = JSON.stringify({ metadata: { annotations: { "argocd.argoproj.io/refresh": kind } } });
    const res = await rawRequest(this.kc, "PATCH", `${APPS}/${name}`, patch, "application/merge-patch+json");
    if (res.status !== 200) throw new Error(`annotating Application ${name} for a ${kind} refresh: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return this.waitFor(name, `the ${kind} refresh to be processed`, (app) => !(app.metadata.annotations as Record<string, string> | undefined)?.["argocd.argoproj.io/refresh"], timeoutMs);
  }

  /** Polls the Application until `done` holds; on timeout fails with its status and the controller's last log lines. */
  async waitFor(name: string, what: string, done: (app: Application) => boolean, timeoutMs = 90_000, intervalMs = 200): Promise<Application> {
    const deadline = Date.now() + timeoutMs;
    let last: Application | undefined;
    for (;;) {
      last = await this.get(name);
      if (last && done(last)) return last;
      if (Date.now() > deadline) {
        const tail = this.controllerLog ? `\nlast lines of ${this.controllerLog}:\n${tailOf(this.controllerLog, 15)}` : "";
        throw new Error(`Application ${name}: timed out after ${timeoutMs} ms waiting for ${what}; its status:\n  ${describeApplication(last)}${tail}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** Synced at `revision` (when given), Healthy when `healthy`, and no operation running. */
  waitSynced(name: string, options: { revision?: string; health?: string; timeoutMs?: number } = {}): Promise<Application> {
    const what = `Synced${options.revision ? ` at ${options.revision.slice(0, 10)}` : ""}${options.health ? ` and ${options.health}` : ""}`;
    return this.waitFor(
      name,
      what,
      (app) =>
        app.status?.sync?.status === "Synced" &&
        (!options.revision || app.status.sync.revision === options.revision) &&
        (!options.health || app.status.health?.status === options.health) &&
        app.status.operationState?.phase !== "Running" &&
        !(app.metadata.annotations as Record<string, string> | undefined)?.["argocd.argoproj.io/refresh"],
      options.timeoutMs,
    );
  }

  async delete(name: string): Promise<void> {
    await rawRequest(this.kc, "DELETE", `${APPS}/${name}`);
  }
}

function tailOf(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** The status entry of one resource of the Application. */
export function resourceOf(app: Application, kind: string, namespace: string | undefined, name: string): ResourceStatus | undefined {
  return app.status?.resources?.find((r) => r.kind === kind && (r.namespace ?? "") === (namespace ?? "") && r.name === name);
}

/**
 * An Application of the orders themselves (the `orders/` directory of the same repository), in a
 * project that may create orders in `ordersNamespace`: built from the example, with the path and
 * the project's one allowed kind changed.
 */
export function ordersApplication(name: string, repoURL: string, ordersNamespace: string): { project: KubeObject; application: Application } {
  const { project, application } = exampleApplication(name, repoURL);
  application.spec.source.path = "orders";
  application.spec.destination.namespace = ordersNamespace;
  delete application.spec.ignoreDifferences;
  const spec = project.spec as { destinations: unknown[]; namespaceResourceWhitelist: unknown[]; clusterResourceWhitelist?: unknown[] };
  spec.destinations = [{ server: "https://kubernetes.default.svc", namespace: ordersNamespace }];
  spec.namespaceResourceWhitelist = [{ group: "cloudkit.openshift.io", kind: "VirtualMachine" }];
  delete spec.clusterResourceWhitelist;
  return { project, application };
}
