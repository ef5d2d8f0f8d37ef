// Argo CD on the control-plane harness (docs/adr/0018-argocd-on-the-harness.md): its CRDs (but
// ApplicationSet's), the
// `argocd` namespace with minimal argocd-cm (plus the project's health checks from
// examples/argocd/argocd-cm-health.yaml), argocd-cmd-params-cm, argocd-rbac-cm and argocd-secret,
// and the application controller and repo server as processes of a ProcessStack, talking to the
// harness's API server through a kubeconfig and to each other over loopback (repo server gRPC in
// plaintext). The binary is built from the Go module proxy by build-argocd.sh and cached.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { HARNESS_FIELD_MANAGER, REPO_ROOT, collectCrds, freePort, installCrds, sleep } from "./harness.ts";
import { serverSideApply, type KubeEndpoint } from "./kube-http.ts";
import { checkCmdParams, environmentFor } from "./argocd-settings.ts";
import type { ProcessStack, StackProcess } from "./process-stack.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_ARGOCD_VERSION = "v3.6.2";
export const ARGOCD_NAMESPACE = "argocd";
/** The project's health checks, an argocd-cm fragment users merge; installed as it is. */
export const HEALTH_CHECKS_FILE = path.join(REPO_ROOT, "examples/argocd/argocd-cm-health.yaml");

export interface ArgoCdOptions {
  /** Default $ARGOCD_VERSION, else DEFAULT_ARGOCD_VERSION. */
  version?: string;
  /** Admin kubeconfig of the cluster Argo CD manages (its in-cluster destination). */
  kubeconfigPath: string;
  /** The same cluster, for installing Argo CD's objects. */
  endpoint: KubeEndpoint;
  /** `host:port` of Redis. */
  redisAddress: string;
  /** More or other argocd-cmd-params-cm entries (keys of CMD_PARAMS_ENV). */
  cmdParams?: Record<string, string>;
  /** More argocd-cm entries. */
  config?: Record<string, string>;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface ArgoCdState {
  version: string;
  namespace: string;
  binDir: string;
  repoServer: { pid: number; port: number; metricsPort: number; logFile: string };
  controller: { pid: number; metricsPort: number; logFile: string };
  /** argocd-cmd-params-cm and argocd-cm as installed. */
  cmdParams: Record<string, string>;
  config: Record<string, string>;
}

/** The directory with `argocd-application-controller` and friends: $ARGOCD_BIN_DIR, else build-argocd.sh's cache. */
export async function ensureArgoCd(version: string): Promise<string> {
  const override = process.env.ARGOCD_BIN_DIR;
  if (override) {
    if (!fs.existsSync(path.join(override, "argocd-application-controller"))) throw new Error(`ARGOCD_BIN_DIR=${override} has no argocd-application-controller`);
    return override;
  }
  return new Promise((resolve, reject) => {
    execFile("bash", [path.join(HERE, "build-argocd.sh"), version], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const lines = stderr.trim().split("\n");
        const errors = lines.filter((l) => l.includes("ERROR") || l.includes("alternative"));
        reject(new Error(`build-argocd.sh ${version} failed:\n${(errors.length ? errors : lines.slice(-15)).join("\n")}`));
      } else resolve(stdout.trim().split("\n").pop() ?? "");
    });
  });
}

/** The `data` of the project's argocd-cm fragment (examples/argocd/argocd-cm-health.yaml). */
export function projectHealthChecks(file = HEALTH_CHECKS_FILE): Record<string, string> {
  const doc = yaml.load(fs.readFileSync(file, "utf8")) as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> };
  if (doc?.kind !== "ConfigMap" || doc.metadata?.name !== "argocd-cm" || !doc.data) throw new Error(`${file}: expected the argocd-cm ConfigMap fragment with data`);
  return doc.data;
}

const settingsLabels = { "app.kubernetes.io/part-of": "argocd" };

/** Argo CD's CRDs, namespace, ConfigMaps and argocd-secret (server-side applied; idempotent). */
export async function installArgoCdResources(
  ep: KubeEndpoint,
  binDir: string,
  settings: { cmdParams: Record<string, string>; config: Record<string, string> },
): Promise<void> {
  // Application and AppProject; not ApplicationSet (no ApplicationSet controller runs, and its
  // 1.5 MB CRD is the slowest object to install).
  const crds = (await collectCrds([path.join(binDir, "crds")])).filter(({ crd }) => crd.metadata?.name !== "applicationsets.argoproj.io");
  await installCrds(ep, crds, 60_000);
  const ns = ARGOCD_NAMESPACE;
  const apply = (objectPath: string, body: unknown) => serverSideApply(ep, objectPath, body, HARNESS_FIELD_MANAGER);
  await apply(`/api/v1/namespaces/${ns}`, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  const configMap = (name: string, data: Record<string, string>) =>
    apply(`/api/v1/namespaces/${ns}/configmaps/${name}`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels: settingsLabels }, data });
  await configMap("argocd-cm", settings.config);
  await configMap("argocd-cmd-params-cm", settings.cmdParams);
  await configMap("argocd-rbac-cm", { "policy.default": "role:readonly" });
  // The settings manager refuses to start without argocd-secret's server.secretkey (used to sign
  // argocd-server's tokens, which this harness does not run).
  await apply(`/api/v1/namespaces/${ns}/secrets/argocd-secret`, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "argocd-secret", namespace: ns, labels: settingsLabels },
    type: "Opaque",
    stringData: { "server.secretkey": randomBytes(32).toString("base64") },
  });
}

/** A credential template (repo-creds) for every repository under `urlPrefix`, as `argocd repocreds add` writes it. */
export async function applyRepositoryCredentials(ep: KubeEndpoint, name: string, urlPrefix: string, username: string, password: string): Promise<void> {
  await serverSideApply(
    ep,
    `/api/v1/namespaces/${ARGOCD_NAMESPACE}/secrets/${name}`,
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: ARGOCD_NAMESPACE, labels: { "argocd.argoproj.io/secret-type": "repo-creds" } },
      type: "Opaque",
      stringData: { type: "git", url: urlPrefix, username, password },
    },
    HARNESS_FIELD_MANAGER,
  );
}

async function healthz(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

class PortInUse extends Error {}

async function waitHealthy(started: StackProcess, port: number, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await healthz(port))) {
    if (!started.alive()) {
      const log = started.logTail(40);
      if (/address already in use/i.test(log)) throw new PortInUse(`${what}: port in use`);
      throw new Error(`${what} exited during start-up (log ${started.logFile}):\n${log}`);
    }
    if (Date.now() > deadline) throw new Error(`${what} not healthy after ${timeoutMs} ms (log ${started.logFile}):\n${started.logTail(40)}`);
    await sleep(100);
  }
}

/** Spawns a component on fresh free ports until it is healthy (retried when it loses a port race). */
async function startComponent(stack: ProcessStack, name: string, start: () => Promise<{ started: StackProcess; healthPort: number }>, timeoutMs: number): Promise<StackProcess> {
  for (let attempt = 1; ; attempt++) {
    const { started, healthPort } = await start();
    try {
      await waitHealthy(started, healthPort, name, timeoutMs);
      return started;
    } catch (error) {
      await stack.stopProcess(started);
      if (error instanceof PortInUse && attempt < 4) continue;
      throw error;
    }
  }
}

/** Installs Argo CD's objects and starts the repo server, then the application controller. */
export async function startArgoCd(stack: ProcessStack, options: ArgoCdOptions): Promise<ArgoCdState> {
  const log = options.log ?? (() => {});
  const version = options.version ?? process.env.ARGOCD_VERSION ?? DEFAULT_ARGOCD_VERSION;
  const tBin = Date.now();
  log(`argocd ${version}: locating the binary (the first run builds it: 8-12 minutes)`);
  const binDir = await ensureArgoCd(version);
  log(`argocd ${version}: ${binDir} (${Date.now() - tBin} ms)`);
  const cmdParams = {
    "controller.repo.server.plaintext": "true",
    "reposerver.disable.tls": "true",
    // Each resource's health in Application.status.resources (v3 keeps it only in the resource
    // tree in Redis, which argocd-server shows): what the tests read, as `kubectl get application` users do.
    "controller.resource.health.persist": "true",
    // Milliseconds in the logs (Go time layout), for timelines of a sync.
    "log.format.timestamp": "2006-01-02T15:04:05.000Z07:00",
    ...options.cmdParams,
  };
  checkCmdParams(cmdParams);
  const config = { "timeout.reconciliation": "180s", ...projectHealthChecks(), ...options.config };
  const settings = { cmdParams, config };
  await installArgoCdResources(options.endpoint, binDir, settings);

  const home = path.join(stack.dir, "argocd-home");
  for (const sub of ["tls", "ssh", "gpg", "plugins", "tmp"]) await fsp.mkdir(path.join(home, sub), { recursive: true });
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: home,
    TMPDIR: path.join(home, "tmp"),
    KUBECONFIG: options.kubeconfigPath,
    ARGOCD_FAKE_IN_CLUSTER: "true",
    ARGOCD_GPG_ENABLED: "false",
    ARGOCD_TLS_DATA_PATH: path.join(home, "tls"),
    ARGOCD_SSH_DATA_PATH: path.join(home, "ssh"),
    ARGOCD_GNUPGHOME: path.join(home, "gpg"),
    ARGOCD_PLUGINSOCKFILEPATH: path.join(home, "plugins"),
    ARGOCD_ASK_PASS_SOCK: path.join(home, "reposerver-ask-pass.sock"),
    GIT_CONFIG_NOSYSTEM: "1",
  };
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  const logLevel = process.env.ARGOCD_LOG_LEVEL ?? "info";

  let repoPorts = { port: 0, metrics: 0 };
  const repoServer = await startComponent(
    stack,
    "argocd-repo-server",
    async () => {
      repoPorts = { port: await freePort(), metrics: await freePort() };
      const started = await stack.spawn(
        "argocd-repo-server",
        path.join(binDir, "argocd-repo-server"),
        [
          "--address", "127.0.0.1",
          "--port", String(repoPorts.port),
          "--metrics-address", "127.0.0.1",
          "--metrics-port", String(repoPorts.metrics),
          "--redis", options.redisAddress,
          "--loglevel", logLevel,
          "--logformat", "text",
          // Its default (a file under /app/config) is refused together with disabled TLS.
          ...(cmdParams["reposerver.disable.tls"] === "true" ? ["--client-ca-path="] : []),
        ],
        { env: { ...baseEnv, ...environmentFor("repo-server", settings) } },
      );
      return { started, healthPort: repoPorts.metrics };
    },
    timeoutMs,
  );
  log(`argocd-repo-server (pid ${repoServer.pid}) healthy on 127.0.0.1:${repoPorts.port}`);

  let controllerMetrics = 0;
  const controller = await startComponent(
    stack,
    "argocd-application-controller",
    async () => {
      controllerMetrics = await freePort();
      const started = await stack.spawn(
        "argocd-application-controller",
        path.join(binDir, "argocd-application-controller"),
        [
          "--namespace", ARGOCD_NAMESPACE,
          "--kubeconfig", options.kubeconfigPath,
          "--repo-server", `127.0.0.1:${repoPorts.port}`,
          "--redis", options.redisAddress,
          "--metrics-port", String(controllerMetrics),
          "--loglevel", logLevel,
          "--logformat", "text",
        ],
        { env: { ...baseEnv, ...environmentFor("controller", settings) } },
      );
      return { started, healthPort: controllerMetrics };
    },
    timeoutMs,
  );
  log(`argocd-application-controller (pid ${controller.pid}) healthy`);
  return {
    version,
    namespace: ARGOCD_NAMESPACE,
    binDir,
    repoServer: { pid: repoServer.pid, port: repoPorts.port, metricsPort: repoPorts.metrics, logFile: repoServer.logFile },
    controller: { pid: controller.pid, metricsPort: controllerMetrics, logFile: controller.logFile },
    cmdParams,
    config: Object.fromEntries(Object.entries(config).filter(([key]) => !key.startsWith("resource.customizations."))),
  };
}
