// The real Bitnami sealed-secrets controller (v0.40.0, built from the Go module proxy by
// build-sealed-secrets.sh) against a harness control plane, or any cluster given by kubeconfig.
//
// The controller only knows in-cluster configuration (rest.InClusterConfig: the
// KUBERNETES_SERVICE_HOST/PORT variables and a token and CA under
// /var/run/secrets/kubernetes.io/serviceaccount). The kubelet's part is played by a private mount
// namespace (`unshare --mount`): a tmpfs over /run in that namespace only, with the directory of a
// ServiceAccount token (TokenRequest, bound by the upstream chart's RBAC) bind-mounted where the
// controller looks. Nothing on the host changes. Its HTTP server (/v1/cert.pem, /healthz) and
// metrics listen on free loopback ports.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { DIR_PREFIX, HARNESS_FIELD_MANAGER, distinctFreePorts, isProcessAlive, killGroup } from "./harness.ts";

export const DEFAULT_SEALED_SECRETS_VERSION = "v0.40.0";
export const SEALED_SECRETS_CRD = "sealedsecrets.bitnami.com";
const HERE = path.dirname(new URL(import.meta.url).pathname);
const SERVICE_ACCOUNT = "sealed-secrets-controller";
const KEY_LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";
const TOKEN_SECONDS = 24 * 3600;
const START_TIMEOUT_MS = 120_000;

export interface SealedSecretsOptions {
  readonly kubeconfigPath: string;
  /** Where the controller keeps its keys (its POD_NAMESPACE); created when missing. */
  readonly keyNamespace?: string;
  readonly version?: string;
  /** RSA key size of the controller's keys (the controller's default: 4096). */
  readonly keySizeBits?: number;
  readonly log?: (line: string) => void;
}

export interface SealedSecretsController {
  /** http://127.0.0.1:<port> of the controller's HTTP server. */
  readonly url: string;
  readonly pid: number;
  readonly keyNamespace: string;
  readonly logFile: string;
  /** The directory with `controller`, `kubeseal` and `crds/`. */
  readonly binDir: string;
  readonly kubesealPath: string;
  /** PEM of the newest sealing certificate (GET /v1/cert.pem). */
  certificatePem(): Promise<string>;
  /** Makes the controller generate a new key (SIGUSR1, as its docs say) and resolves with the new certificate once served. */
  rotateKey(): Promise<string>;
  /** The controller's private keys (PEM, oldest first), from its key Secrets: for kubeseal --recovery-unseal. */
  privateKeysPem(): Promise<string[]>;
  /** The log so far. */
  log(): string;
  /** SIGTERM, SIGKILL after `graceMs`; removes its temp dir. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Builds (once, cached by version) or finds the controller and kubeseal; resolves with their directory. */
export function ensureSealedSecrets(version = DEFAULT_SEALED_SECRETS_VERSION): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", [path.join(HERE, "build-sealed-secrets.sh"), version], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const tail = stderr.trim().split("\n").slice(-15).join("\n");
        reject(new Error(`build-sealed-secrets.sh ${version} failed (it needs Go at /usr/local/go/bin and the Go module proxy):\n${tail}`));
        return;
      }
      resolve(stdout.trim().split("\n").pop() ?? "");
    });
  });
}

/** Server-side applies the SealedSecret CRD from the build's `crds/` and waits until it is Established. */
export async function installSealedSecretsCrd(kc: k8s.KubeConfig, binDir: string): Promise<void> {
  const crd = yaml.load(fs.readFileSync(path.join(binDir, "crds", "bitnami.com_sealedsecrets.yaml"), "utf8")) as k8s.KubernetesObject;
  await apply(kc, crd);
  const api = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await api.readCustomResourceDefinition({ name: SEALED_SECRETS_CRD });
    if (got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
    if (Date.now() > deadline) throw new Error(`CRD ${SEALED_SECRETS_CRD} not Established after 60 s`);
    await sleep(100);
  }
}

export async function startSealedSecretsController(options: SealedSecretsOptions): Promise<SealedSecretsController> {
  const log = options.log ?? (() => {});
  const keyNamespace = options.keyNamespace ?? "sealed-secrets";
  const binDir = await ensureSealedSecrets(options.version);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(options.kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${options.kubeconfigPath}: no current cluster`);
  await installSealedSecretsCrd(kc, binDir);
  const token = await grantControllerIdentity(kc, keyNamespace);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${DIR_PREFIX}sealed-secrets-`));
  const accountDir = path.join(dir, "serviceaccount");
  fs.mkdirSync(accountDir, { mode: 0o700 });
  fs.writeFileSync(path.join(accountDir, "token"), token, { mode: 0o600 });
  fs.writeFileSync(path.join(accountDir, "ca.crt"), clusterCa(cluster));
  fs.writeFileSync(path.join(accountDir, "namespace"), keyNamespace);
  const logFile = path.join(dir, "controller.log");
  const server = new URL(cluster.server);
  const [httpPort, metricsPort] = await distinctFreePorts(2);
  const controllerArgs = [
    `--listen-addr=127.0.0.1:${httpPort}`,
    `--listen-metrics-addr=127.0.0.1:${metricsPort}`,
    `--key-size=${options.keySizeBits ?? 4096}`,
    "--key-renew-period=0",
    "--log-format=json",
  ];
  const child = spawnInMountNamespace(path.join(binDir, "controller"), controllerArgs, accountDir, logFile, {
    KUBERNETES_SERVICE_HOST: server.hostname.replace(/^\[|\]$/g, ""),
    KUBERNETES_SERVICE_PORT: server.port || "443",
    POD_NAMESPACE: keyNamespace,
  });
  const pid = child.pid ?? 0;
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const watchdog = spawn("bash", [path.join(HERE, "watchdog.sh"), String(process.pid), dir, String(pid)], { detached: true, stdio: "ignore" });
  watchdog.unref();
  const cleanup = () => {
    killGroup(pid, "SIGKILL");
    if (watchdog.pid) killGroup(watchdog.pid, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);

  const url = `http://127.0.0.1:${httpPort}`;
  const readLog = () => readText(logFile);
  const certificatePem = async () => {
    const response = await fetch(`${url}/v1/cert.pem`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET ${url}/v1/cert.pem: HTTP ${response.status}`);
    return response.text();
  };
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5_000) =>
    (stopping ??= (async () => {
      killGroup(pid, "SIGTERM");
      if (!(await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]))) killGroup(pid, "SIGKILL");
      await exited;
      process.removeListener("exit", cleanup);
      cleanup();
    })());

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (spawnError || !isProcessAlive(pid)) {
        throw new Error(
          `the sealed-secrets controller exited at start-up (${spawnError?.message ?? "see its log"}); it runs under 'unshare --mount', ` +
            `which needs root or CAP_SYS_ADMIN and util-linux; log ${logFile}:\n${readLog().slice(-3000)}`,
        );
      }
      const pem = await certificatePem().catch(() => "");
      if (pem.includes("BEGIN CERTIFICATE")) break;
      if (Date.now() > deadline) throw new Error(`the sealed-secrets controller served no certificate within ${START_TIMEOUT_MS / 1000} s; log ${logFile}:\n${readLog().slice(-3000)}`);
      await sleep(200);
    }
  } catch (error) {
    await stop(1_000);
    throw error;
  }
  log(`sealed-secrets controller ${pid} serving ${url} (keys in namespace ${keyNamespace}, log ${logFile})`);

  return {
    url,
    pid,
    keyNamespace,
    logFile,
    binDir,
    kubesealPath: path.join(binDir, "kubeseal"),
    certificatePem,
    async rotateKey() {
      const before = await certificatePem();
      process.kill(pid, "SIGUSR1");
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (;;) {
        const now = await certificatePem();
        if (now !== before) return now;
        if (Date.now() > deadline) throw new Error(`the sealed-secrets controller served no new certificate after SIGUSR1; log ${logFile}:\n${readLog().slice(-3000)}`);
        await sleep(200);
      }
    },
    async privateKeysPem() {
      const secrets = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace: keyNamespace, labelSelector: `${KEY_LABEL}=active` });
      return secrets.items
        .sort((a, b) => (a.metadata?.creationTimestamp?.getTime() ?? 0) - (b.metadata?.creationTimestamp?.getTime() ?? 0))
        .map((secret) => Buffer.from(secret.data?.["tls.key"] ?? "", "base64").toString("utf8"));
    },
    log: readLog,
    stop,
  };
}

/**
 * The controller's ServiceAccount in the key namespace with the upstream chart's RBAC (ClusterRole
 * secrets-unsealer, Role sealed-secrets-key-admin), and a TokenRequest token for it.
 */
async function grantControllerIdentity(kc: k8s.KubeConfig, namespace: string): Promise<string> {
  const subject = { kind: "ServiceAccount", name: SERVICE_ACCOUNT, namespace };
  const objects: k8s.KubernetesObject[] = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: SERVICE_ACCOUNT, namespace } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "osac-vm-harness:secrets-unsealer" },
      rules: [
        { apiGroups: ["bitnami.com"], resources: ["sealedsecrets"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["bitnami.com"], resources: ["sealedsecrets/status"], verbs: ["update"] },
        { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "create", "update", "delete", "watch"] },
        { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
        { apiGroups: [""], resources: ["namespaces"], verbs: ["get"] },
      ],
    } as k8s.KubernetesObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: `osac-vm-harness:secrets-unsealer:${namespace}` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "osac-vm-harness:secrets-unsealer" },
      subjects: [subject],
    } as k8s.KubernetesObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "sealed-secrets-key-admin", namespace },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "create", "list"] }],
    } as k8s.KubernetesObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "sealed-secrets-key-admin", namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "sealed-secrets-key-admin" },
      subjects: [subject],
    } as k8s.KubernetesObject,
  ];
  for (const object of objects) await apply(kc, object);
  const request = await kc.makeApiClient(k8s.CoreV1Api).createNamespacedServiceAccountToken({
    name: SERVICE_ACCOUNT,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: TOKEN_SECONDS } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`TokenRequest for ServiceAccount ${namespace}/${SERVICE_ACCOUNT} returned no token`);
  return token;
}

async function apply(kc: k8s.KubeConfig, object: k8s.KubernetesObject): Promise<void> {
  await k8s.KubernetesObjectApi.makeApiClient(kc).patch(object, undefined, undefined, HARNESS_FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
}

function clusterCa(cluster: k8s.Cluster): string {
  if (cluster.caData) return Buffer.from(cluster.caData, "base64").toString("utf8");
  if (cluster.caFile) return fs.readFileSync(cluster.caFile, "utf8");
  throw new Error(
    `the cluster '${cluster.name}' has no CA in its kubeconfig: the sealed-secrets controller only runs with in-cluster configuration, which verifies the API server with a CA`,
  );
}

/**
 * Runs `bin` in a private mount namespace where /var/run/secrets/kubernetes.io/serviceaccount is
 * `accountDir` (a tmpfs over /run hides the host's /run from this process only), in its own
 * process group, with only the given environment.
 */
function spawnInMountNamespace(bin: string, args: string[], accountDir: string, logFile: string, env: Record<string, string>): ChildProcess {
  const script = [
    "set -e",
    'run_dir="$(readlink -f /var/run)"',
    'mount -t tmpfs -o mode=0755,size=1m osac-vm-harness "$run_dir"',
    'mkdir -p "$run_dir/secrets/kubernetes.io/serviceaccount"',
    'mount --bind -o ro "$1" "$run_dir/secrets/kubernetes.io/serviceaccount"',
    "shift",
    'exec "$@"',
  ].join("\n");
  const fd = fs.openSync(logFile, "a");
  try {
    return spawn("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", accountDir, bin, ...args], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", ...env },
    });
  } finally {
    fs.closeSync(fd);
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
