// A real Kubernetes control plane (etcd + kube-apiserver, no nodes) for end-to-end tests, without
// Docker. See docs/adr/0010-control-plane-harness.md.
//
//   const cp = await startControlPlane({});
//   ... use cp.kubeconfigPath ...
//   await cp.stop();
//
// kube-apiserver is built once from the Go module k8s.io/kubernetes by build-kube-apiserver.sh and
// cached outside the work tree; etcd is Debian's etcd-server (installed by ensure-etcd.sh).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { kubeRequest, serverSideApply, type KubeEndpoint } from "./kube-http.ts";
import { generatePki } from "./pki.ts";

export const DEFAULT_KUBE_VERSION = "v1.33.13";
export const DEFAULT_RESTRICTED_USERS = ["e2e-alice", "e2e-bob", "e2e-carol"];
export const HARNESS_FIELD_MANAGER = "osac-vm-harness";
/** Every harness temp dir is named like this; the watchdog refuses to remove anything else. */
export const DIR_PREFIX = "osac-vm-cluster-";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, "../..");

export interface StartControlPlaneOptions {
  /** Kubernetes version of kube-apiserver (default $KUBE_APISERVER_VERSION or DEFAULT_KUBE_VERSION). */
  kubeVersion?: string;
  /** Directories searched recursively for CRD YAML (default [<repo>/crds]); [] installs none. */
  crdDirs?: string[];
  /** Names of token users without any RBAC binding (default DEFAULT_RESTRICTED_USERS). */
  restrictedUserNames?: string[];
  /** Where to write the kubeconfig (default <temp dir>/kubeconfig). */
  kubeconfigPath?: string;
  /**
   * Keep etcd and kube-apiserver running after this Node process exits (npm run cluster:up):
   * no exit hooks, no watchdog; stop with stopControlPlaneFromState().
   */
  detached?: boolean;
  /** Parent of the temp dir (default $OSAC_CLUSTER_TMPDIR, else /dev/shm when writable, else os.tmpdir()). */
  tmpBase?: string;
  /** Name of the default StorageClass to create (default "standard"); false creates none. */
  defaultStorageClass?: string | false;
  /** Milliseconds to wait for /readyz (default 120 000). */
  readyTimeoutMs?: number;
  /** `--service-cluster-ip-range` (default 10.0.0.0/24; benchmarks with thousands of Services need more). */
  serviceClusterIpRange?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface RestrictedUser {
  name: string;
  token: string;
}

export interface ControlPlaneState {
  kubeVersion: string;
  dir: string;
  kubeconfigPath: string;
  server: string;
  caPath: string;
  adminToken: string;
  restrictedUsers: RestrictedUser[];
  pids: { etcd: number; apiserver: number };
  ports: { etcdClient: number; etcdPeer: number; apiserver: number };
  startedAt: string;
  timings: { binariesMs: number; processesReadyMs: number; crdsMs: number; totalMs: number };
  crds: string[];
}

export interface RestartApiServerOptions {
  /** How long kube-apiserver stays down between the kill and the new start (default 0). */
  downtimeMs?: number;
  /** SIGTERM: graceful, SIGKILL after 5 s (default); SIGKILL: a crash. */
  signal?: "SIGTERM" | "SIGKILL";
  /** Milliseconds to wait for /readyz of the new process (default: the start's readyTimeoutMs, else 120 000). */
  readyTimeoutMs?: number;
}

export interface ApiServerRestart {
  /** pid (= process group id) of the old and of the new kube-apiserver. */
  oldPid: number;
  newPid: number;
  /** From the kill until the old process group was gone. */
  stopMs: number;
  /** From the new spawn until /readyz answered 200. */
  readyMs: number;
  /** From the kill until /readyz answered 200 (includes the downtime). */
  totalMs: number;
}

export interface ControlPlane extends ControlPlaneState {
  /** Stops both processes (whole process groups) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /**
   * Kills only kube-apiserver's process group (etcd keeps running), waits `downtimeMs`, starts
   * it again with the same arguments (same port, certificates, tokens: kubeconfigs stay valid)
   * and resolves once /readyz answers. `pids.apiserver`, stop(), the exit hooks and the watchdog
   * follow the new process. Restarts are serialised; after stop() it rejects. A detached control
   * plane's state file (npm run cluster:up) is not rewritten.
   */
  restartApiServer(options?: RestartApiServerOptions): Promise<ApiServerRestart>;
}

// ---------------------------------------------------------------------------------------------
// process bookkeeping

/** True while the process exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  if (!Number.isInteger(pgid) || pgid <= 0) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((p) => !isProcessAlive(p))) return true;
    await sleep(50);
  }
  return pids.every((p) => !isProcessAlive(p));
}

/** SIGTERM the process group, wait, then SIGKILL it. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  killGroup(pgid, "SIGTERM");
  if (!(await waitGone([pgid], graceMs))) {
    killGroup(pgid, "SIGKILL");
    await waitGone([pgid], 5_000);
  }
  killGroup(pgid, "SIGKILL"); // any other member left in the group
}

function removeDirSync(dir: string): void {
  if (path.basename(dir).startsWith(DIR_PREFIX)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Stops a control plane described by its state (also one started by another process). */
export async function stopControlPlaneFromState(state: Pick<ControlPlaneState, "pids" | "dir">): Promise<void> {
  // kube-apiserver first (it talks to etcd while it shuts down), then etcd.
  await terminateGroup(state.pids.apiserver, 5_000);
  await terminateGroup(state.pids.etcd, 5_000);
  removeDirSync(state.dir);
}

// In-process control planes, cleaned up on exit and on SIGINT/SIGTERM/SIGHUP of this process.
export interface Live {
  pgids: number[];
  dir: string;
}
const live = new Set<Live>();
let hooksInstalled = false;

function cleanupAllSync(): void {
  for (const l of live) {
    for (const g of l.pgids) killGroup(g, "SIGKILL");
    try {
      removeDirSync(l.dir);
    } catch {
      /* best effort */
    }
  }
  live.clear();
}

/**
 * Registers process groups and a temp dir of another in-process harness part (e.g. Argo CD,
 * scripts/cluster/process-stack.ts) for the same cleanup on exit and signals; returns the
 * unregistration. `entry.pgids` may change later (restarted processes).
 */
export function trackForExit(entry: Live): () => void {
  installExitHooks();
  live.add(entry);
  return () => live.delete(entry);
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", cleanupAllSync);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = () => {
      cleanupAllSync();
      process.removeListener(sig, handler);
      // Let the default action (or another handler, e.g. vitest's) decide how to exit.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

export async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      [path.join(HERE, script), ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const lines = stderr.trim().split("\n");
          const errors = lines.filter((l) => l.includes("ERROR") || l.includes("alternative"));
          const detail = (errors.length ? errors : lines.slice(-15)).join("\n");
          reject(new Error(`${script} failed:\n${detail}`));
          return;
        }
        const out = stdout.trim().split("\n").pop() ?? "";
        resolve(out);
      },
    );
  });
}

/** Builds (once, cached) or finds kube-apiserver; $KUBE_APISERVER_BIN overrides. */
export async function ensureKubeApiserver(version: string): Promise<string> {
  const override = process.env.KUBE_APISERVER_BIN;
  if (override) {
    if (!fs.existsSync(override)) throw new Error(`KUBE_APISERVER_BIN=${override} does not exist`);
    return override;
  }
  return runScript("build-kube-apiserver.sh", [version], process.env);
}

export async function ensureEtcd(): Promise<string> {
  return runScript("ensure-etcd.sh", [], process.env);
}

export function defaultTmpBase(): string {
  if (process.env.OSAC_CLUSTER_TMPDIR) return process.env.OSAC_CLUSTER_TMPDIR;
  try {
    fs.accessSync("/dev/shm", fs.constants.W_OK);
    if (fs.statSync("/dev/shm").isDirectory()) return "/dev/shm";
  } catch {
    /* fall through */
  }
  return os.tmpdir();
}

export function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function spawnGroup(bin: string, args: string[], logFile: string, detached: boolean): ChildProcess {
  const fd = fs.openSync(logFile, "a");
  try {
    // detached: own process group, so that the group can be killed as a whole, and so that a
    // Ctrl-C sent to the terminal's foreground group reaches only us (we then clean up).
    const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], env: process.env });
    if (detached) child.unref();
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

function waitSpawned(child: ChildProcess, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("error", (e) => reject(new Error(`cannot start ${name}: ${e.message}`)));
    child.once("spawn", () => resolve(child.pid ?? 0));
  });
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return out;
    throw e;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listYamlFiles(p)));
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

interface CrdDoc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  [k: string]: unknown;
}

/** Every CustomResourceDefinition document in *.yaml/*.yml files under the given directories. */
export async function collectCrds(dirs: string[]): Promise<{ file: string; crd: CrdDoc }[]> {
  const found: { file: string; crd: CrdDoc }[] = [];
  for (const dir of dirs) {
    for (const file of await listYamlFiles(dir)) {
      let docs: unknown[];
      try {
        docs = yaml.loadAll(await fsp.readFile(file, "utf8"));
      } catch (e) {
        throw new Error(`cannot parse ${file}: ${(e as Error).message}`);
      }
      for (const d of docs) {
        if (d && typeof d === "object" && (d as CrdDoc).kind === "CustomResourceDefinition") {
          const crd = d as CrdDoc;
          if (!crd.metadata?.name) throw new Error(`${file}: CustomResourceDefinition without metadata.name`);
          found.push({ file, crd });
        }
      }
    }
  }
  return found;
}

export async function installCrds(ep: KubeEndpoint, crds: { file: string; crd: CrdDoc }[], timeoutMs: number): Promise<string[]> {
  const names: string[] = [];
  for (const { file, crd } of crds) {
    const name = crd.metadata!.name!;
    const body = { ...crd };
    delete body.status;
    try {
      await serverSideApply(ep, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`, body, HARNESS_FIELD_MANAGER);
    } catch (e) {
      throw new Error(`installing CRD ${name} from ${file}: ${(e as Error).message}`);
    }
    names.push(name);
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const res = await kubeRequest(ep, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conds =
        res.status === 200
          ? ((JSON.parse(res.text) as { status?: { conditions?: { type: string; status: string; message?: string }[] } }).status
              ?.conditions ?? [])
          : [];
      if (conds.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) {
        throw new Error(`CRD ${name} not Established after ${timeoutMs} ms: ${JSON.stringify(conds)}`);
      }
      await sleep(100);
    }
  }
  return names;
}

function kubeconfigYaml(state: { server: string; caPath: string; adminToken: string; restrictedUsers: RestrictedUser[] }): string {
  const caData = fs.readFileSync(state.caPath).toString("base64");
  const cluster = "osac-e2e";
  return yaml.dump({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "osac-e2e-admin",
    clusters: [{ name: cluster, cluster: { server: state.server, "certificate-authority-data": caData } }],
    users: [
      { name: "osac-e2e-admin", user: { token: state.adminToken } },
      ...state.restrictedUsers.map((u) => ({ name: u.name, user: { token: u.token } })),
    ],
    contexts: [
      { name: "osac-e2e-admin", context: { cluster, user: "osac-e2e-admin", namespace: "default" } },
      ...state.restrictedUsers.map((u) => ({ name: u.name, context: { cluster, user: u.name, namespace: "default" } })),
    ],
  });
}

export async function readyz(ep: KubeEndpoint): Promise<boolean> {
  try {
    const res = await kubeRequest(ep, "GET", "/readyz", undefined, undefined, 3_000);
    return res.status === 200;
  } catch {
    return false;
  }
}

async function etcdHealthy(clientPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${clientPort}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { health?: string };
    return res.ok && body.health === "true";
  } catch {
    return false;
  }
}

class PortInUse extends Error {}

/** Kills the given process groups and removes `dir` when this Node process dies without cleaning up. */
export function spawnWatchdog(dir: string, pgids: number[]): ChildProcess {
  const watchdog = spawn("bash", [path.join(HERE, "watchdog.sh"), String(process.pid), dir, ...pgids.map(String)], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
  return watchdog;
}

/** Polls /readyz until it answers 200; fails early when kube-apiserver or etcd dies. */
async function waitApiServerReady(
  ep: KubeEndpoint,
  apiChild: ChildProcess,
  etcdChild: ChildProcess,
  o: { apiLog: string; etcdLog: string; apiPort: number; timeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  while (!(await readyz(ep))) {
    if (apiChild.exitCode !== null || !isProcessAlive(apiChild.pid ?? 0)) {
      const t = tail(o.apiLog, 40);
      if (/address already in use/.test(t)) throw new PortInUse(`kube-apiserver: port ${o.apiPort} in use`);
      throw new Error(`kube-apiserver exited during start-up (log ${o.apiLog}):\n${t}`);
    }
    if (!isProcessAlive(etcdChild.pid ?? 0)) throw new Error(`etcd died during start-up:\n${tail(o.etcdLog)}`);
    if (Date.now() > deadline) {
      throw new Error(`kube-apiserver not ready after ${o.timeoutMs} ms (log ${o.apiLog}):\n${tail(o.apiLog, 40)}`);
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// start

export async function startControlPlane(opts: StartControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const kubeVersion = opts.kubeVersion ?? process.env.KUBE_APISERVER_VERSION ?? DEFAULT_KUBE_VERSION;
  log(`control plane: kube-apiserver ${kubeVersion}: locating binaries (first run builds it; takes many minutes)`);
  const [apiserverBin, etcdBin] = await Promise.all([ensureKubeApiserver(kubeVersion), ensureEtcd()]);
  const crds = await collectCrds(opts.crdDirs ?? [path.join(REPO_ROOT, "crds")]);
  const binariesMs = Date.now() - t0;

  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, { kubeVersion, apiserverBin, etcdBin, crds, t0, binariesMs, log });
    } catch (e) {
      if (e instanceof PortInUse && attempt < 4) {
        log(`control plane: ${e.message}; retrying on other ports`);
        continue;
      }
      throw e;
    }
  }
}

interface Resolved {
  kubeVersion: string;
  apiserverBin: string;
  etcdBin: string;
  crds: { file: string; crd: CrdDoc }[];
  t0: number;
  binariesMs: number;
  log: (line: string) => void;
}

async function startOnce(opts: StartControlPlaneOptions, r: Resolved): Promise<ControlPlane> {
  const detached = opts.detached ?? false;
  const tBase = opts.tmpBase ?? defaultTmpBase();
  const dir = await fsp.mkdtemp(path.join(tBase, DIR_PREFIX));
  const entry: Live = { pgids: [], dir };
  if (!detached) {
    installExitHooks();
    live.add(entry);
  }
  let etcdChild: ChildProcess | undefined;
  let apiChild: ChildProcess | undefined;
  let apiArgs: string[] = [];
  let watchdog: ChildProcess | undefined;
  const cleanup = async () => {
    if (watchdog?.pid) killGroup(watchdog.pid, "SIGKILL");
    await stopControlPlaneFromState({ pids: { apiserver: apiChild?.pid ?? 0, etcd: etcdChild?.pid ?? 0 }, dir });
    live.delete(entry);
  };

  try {
    const [etcdClient, etcdPeer, apiPort] = (await distinctFreePorts(3)) as [number, number, number];
    const certDir = path.join(dir, "pki");
    await fsp.mkdir(certDir, { mode: 0o700 });
    const pkiP = generatePki(certDir);

    // etcd
    const etcdLog = path.join(dir, "etcd.log");
    etcdChild = spawnGroup(
      r.etcdBin,
      [
        "--name=default",
        `--data-dir=${path.join(dir, "etcd-data")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
        "--initial-cluster-state=new",
        "--logger=zap",
        "--log-outputs=stderr",
        "--log-level=warn",
        "--quota-backend-bytes=2147483648",
        "--snapshot-count=100000",
      ],
      etcdLog,
      detached,
    );
    entry.pgids.push(await waitSpawned(etcdChild, "etcd"));

    // keys, certificates, tokens
    const pki = await pkiP;
    const token = () => randomBytes(24).toString("hex");
    const adminToken = token();
    const restrictedUsers = (opts.restrictedUserNames ?? DEFAULT_RESTRICTED_USERS).map((name) => ({ name, token: token() }));
    const tokenFile = path.join(certDir, "tokens.csv");
    await fsp.writeFile(
      tokenFile,
      [
        `${adminToken},osac-e2e-admin,osac-e2e-admin,"system:masters"`,
        ...restrictedUsers.map((u) => `${u.token},${u.name},${u.name}`),
      ].join("\n") + "\n",
      { mode: 0o600 },
    );

    // wait for etcd before kube-apiserver, so that a port clash shows up here
    const etcdDeadline = Date.now() + 30_000;
    while (!(await etcdHealthy(etcdClient))) {
      if (etcdChild.exitCode !== null || !isProcessAlive(etcdChild.pid ?? 0)) {
        const t = tail(etcdLog);
        if (/address already in use/.test(t)) throw new PortInUse(`etcd: port in use`);
        throw new Error(`etcd exited during start-up (log ${etcdLog}):\n${t}`);
      }
      if (Date.now() > etcdDeadline) throw new Error(`etcd not healthy after 30 s:\n${tail(etcdLog)}`);
      await sleep(50);
    }

    // kube-apiserver
    const server = `https://127.0.0.1:${apiPort}`;
    const apiLog = path.join(dir, "kube-apiserver.log");
    apiArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--cert-dir=${certDir}`,
      `--tls-cert-file=${pki.servingCert}`,
      `--tls-private-key-file=${pki.servingKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--secure-port=${apiPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--service-cluster-ip-range=${opts.serviceClusterIpRange ?? "10.0.0.0/24"}`,
      "--allow-privileged=true",
      "--disable-admission-plugins=ServiceAccount",
      "--authorization-mode=RBAC",
      `--token-auth-file=${tokenFile}`,
      `--service-account-issuer=${server}/`,
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      "--endpoint-reconciler-type=none",
      "--v=0",
    ];
    apiChild = spawnGroup(r.apiserverBin, apiArgs, apiLog, detached);
    entry.pgids.push(await waitSpawned(apiChild, "kube-apiserver"));

    // If this Node process dies without cleanup (SIGKILL), the watchdog kills both groups.
    if (!detached) watchdog = spawnWatchdog(dir, [etcdChild.pid ?? 0, apiChild.pid ?? 0]);

    const ca = await fsp.readFile(pki.caCert);
    const ep: KubeEndpoint = { server, ca, token: adminToken };
    await waitApiServerReady(ep, apiChild, etcdChild, { apiLog, etcdLog, apiPort, timeoutMs: opts.readyTimeoutMs ?? 120_000 });
    const processesReadyMs = Date.now() - r.t0 - r.binariesMs;
    r.log(`control plane: ${server} ready in ${processesReadyMs} ms`);

    const tCrd = Date.now();
    const crdNames = await installCrds(ep, r.crds, 60_000);
    if (opts.defaultStorageClass !== false) {
      const scName = opts.defaultStorageClass ?? "standard";
      await serverSideApply(
        ep,
        `/apis/storage.k8s.io/v1/storageclasses/${scName}`,
        {
          apiVersion: "storage.k8s.io/v1",
          kind: "StorageClass",
          metadata: { name: scName, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
          provisioner: "kubernetes.io/no-provisioner",
          reclaimPolicy: "Delete",
          volumeBindingMode: "WaitForFirstConsumer",
        },
        HARNESS_FIELD_MANAGER,
      );
    }
    const crdsMs = Date.now() - tCrd;
    r.log(`control plane: ${crdNames.length} CRD(s) Established in ${crdsMs} ms`);

    const caPath = pki.caCert;
    const kubeconfigPath = opts.kubeconfigPath ?? path.join(dir, "kubeconfig");
    await fsp.mkdir(path.dirname(kubeconfigPath), { recursive: true });
    await fsp.writeFile(kubeconfigPath, kubeconfigYaml({ server, caPath, adminToken, restrictedUsers }), { mode: 0o600 });

    const state: ControlPlaneState = {
      kubeVersion: r.kubeVersion,
      dir,
      kubeconfigPath,
      server,
      caPath,
      adminToken,
      restrictedUsers,
      pids: { etcd: etcdChild.pid ?? 0, apiserver: apiChild.pid ?? 0 },
      ports: { etcdClient, etcdPeer, apiserver: apiPort },
      startedAt: new Date().toISOString(),
      timings: { binariesMs: r.binariesMs, processesReadyMs, crdsMs, totalMs: Date.now() - r.t0 },
      crds: crdNames,
    };
    let stopped: Promise<void> | undefined;
    /** The restart in progress or last finished (restarts run one after another). */
    let restarting: Promise<unknown> = Promise.resolve();
    const etcd = etcdChild;
    const restartOnce = async (o: RestartApiServerOptions): Promise<ApiServerRestart> => {
      if (stopped) throw new Error("the control plane is stopped");
      const old = apiChild!;
      const oldPid = old.pid ?? 0;
      const tKill = Date.now();
      if (o.signal === "SIGKILL") {
        killGroup(oldPid, "SIGKILL");
        await waitGone([oldPid], 5_000);
      } else {
        await terminateGroup(oldPid, 5_000);
      }
      const stopMs = Date.now() - tKill;
      r.log(`control plane: kube-apiserver (pid ${oldPid}) stopped by ${o.signal ?? "SIGTERM"} in ${stopMs} ms`);
      if (o.downtimeMs) await sleep(o.downtimeMs);
      for (let attempt = 1; ; attempt++) {
        if (stopped) throw new Error("the control plane was stopped during the restart");
        const child = spawnGroup(r.apiserverBin, apiArgs, apiLog, detached);
        const newPid = await waitSpawned(child, "kube-apiserver");
        // From here on stop(), the exit hooks and the watchdog know the new process group.
        apiChild = child;
        entry.pgids = entry.pgids.filter((g) => g !== oldPid && g !== state.pids.apiserver).concat(newPid);
        state.pids.apiserver = newPid;
        if (!detached) {
          const previous = watchdog;
          watchdog = spawnWatchdog(dir, [etcd.pid ?? 0, newPid]);
          if (previous?.pid) killGroup(previous.pid, "SIGKILL");
        }
        const tSpawn = Date.now();
        try {
          await waitApiServerReady(ep, child, etcd, { apiLog, etcdLog, apiPort, timeoutMs: o.readyTimeoutMs ?? opts.readyTimeoutMs ?? 120_000 });
        } catch (e) {
          // The port of the old process may linger for a moment; anything else is fatal.
          if (e instanceof PortInUse && attempt < 10) {
            await terminateGroup(newPid, 2_000);
            await sleep(200 * attempt);
            continue;
          }
          throw e;
        }
        const readyMs = Date.now() - tSpawn;
        r.log(`control plane: kube-apiserver restarted (pid ${newPid}) and ready in ${readyMs} ms`);
        return { oldPid, newPid, stopMs, readyMs, totalMs: Date.now() - tKill };
      }
    };
    const cp: ControlPlane = {
      ...state,
      stop: () => {
        stopped ??= (async () => {
          await restarting.catch(() => {});
          await cleanup();
          if (opts.kubeconfigPath && !opts.kubeconfigPath.startsWith(dir)) await fsp.rm(opts.kubeconfigPath, { force: true });
        })();
        return stopped;
      },
      restartApiServer: (o = {}) => {
        const next = restarting.catch(() => {}).then(() => restartOnce(o));
        restarting = next;
        return next;
      },
    };
    return cp;
  } catch (e) {
    await cleanup().catch(() => {});
    throw e;
  }
}
