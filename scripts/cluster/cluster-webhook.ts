// The project's webhook for `npm run cluster:up`: a detached `osac-vm webhook` process on a free
// loopback port, with a throwaway CA and serving certificate (src/platform/tls/dev-tls.ts) in the
// control plane's directory, registered with the cluster as the chart registers it (the order
// CRD's conversion and the admission webhooks, webhook-registration.ts). Without it, every v1beta1
// read of an order fails, and kubectl reads v1beta1 (the preferred version).
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { generateDevCertificate } from "../../src/platform/tls/dev-tls.ts";
import { REPO_ROOT, isProcessAlive, type ControlPlaneState } from "./harness.ts";
import { kubeRequest, type KubeEndpoint } from "./kube-http.ts";
import { registerWebhook } from "./webhook-registration.ts";

export interface ClusterWebhookState {
  /** pid (= process group id) of `osac-vm webhook`. */
  pid: number;
  port: number;
  /** https://127.0.0.1:<port> */
  url: string;
  /** Certificates and log, inside the control plane's directory (removed with it). */
  dir: string;
  logFile: string;
  caFile: string;
  /** Expiry of the throwaway CA and serving certificate (ISO 8601). */
  notAfter: string;
  startedAt: string;
}

/** The state file of `cluster:up`: the control plane, and the webhook once it runs. */
export type ClusterState = ControlPlaneState & { webhook?: ClusterWebhookState };

/** A webhook whose certificate expires sooner than this is replaced by the next `cluster:up`. */
const RENEW_BEFORE_MS = 24 * 3600_000;
const START_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const endpointOf = (cp: ControlPlaneState): KubeEndpoint => ({ server: cp.server, ca: fs.readFileSync(cp.caPath), token: cp.adminToken });

/** GET <webhook>/<probe> over TLS verified with the webhook's CA; the HTTP status, 0 when unreachable. */
function probe(webhook: Pick<ClusterWebhookState, "port" | "caFile">, probePath: "/healthz" | "/readyz"): Promise<number> {
  return new Promise((resolve) => {
    const request = https.get({ host: "127.0.0.1", port: webhook.port, path: probePath, ca: fs.readFileSync(webhook.caFile), agent: false, timeout: 3_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(0));
  });
}

/** Running, ready, and its certificate valid for at least another day. */
export async function clusterWebhookHealthy(webhook: ClusterWebhookState | undefined): Promise<boolean> {
  if (!webhook || !isProcessAlive(webhook.pid) || !fs.existsSync(webhook.caFile)) return false;
  if (Date.parse(webhook.notAfter) - Date.now() < RENEW_BEFORE_MS) return false;
  return (await probe(webhook, "/readyz")) === 200;
}

/** SIGTERM the webhook's process group, SIGKILL after 10 s, and remove its directory. */
export async function stopClusterWebhook(webhook: ClusterWebhookState | undefined): Promise<void> {
  if (!webhook) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-webhook.pid, name);
    } catch {
      /* already gone */
    }
  };
  if (webhook.pid > 0) {
    signal("SIGTERM");
    const deadline = Date.now() + 10_000;
    while (isProcessAlive(webhook.pid) && Date.now() < deadline) await sleep(50);
    signal("SIGKILL");
  }
  fs.rmSync(webhook.dir, { recursive: true, force: true });
}

function logTail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Starts `osac-vm webhook` detached (own process group, survives this process) and waits until it is ready. */
async function startClusterWebhook(cp: ControlPlaneState): Promise<ClusterWebhookState> {
  const dir = path.join(cp.dir, "webhook");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certificate = generateDevCertificate([], dir);
  const logFile = path.join(dir, "webhook.log");
  const log = fs.openSync(logFile, "a");
  const args = ["webhook", "--port", "0", "--bind-address", "127.0.0.1", "--tls-cert-file", certificate.certFile, "--tls-key-file", certificate.keyFile, "--kubeconfig", cp.kubeconfigPath];
  let child;
  try {
    child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/osac-vm.js"), ...args], { cwd: REPO_ROOT, detached: true, stdio: ["ignore", log, log], env: process.env });
    child.unref();
  } finally {
    fs.closeSync(log);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`cannot start the webhook: ${error.message}`)));
    child.once("spawn", () => resolve(child.pid ?? 0));
  });
  const webhook: ClusterWebhookState = {
    pid,
    port: 0,
    url: "",
    dir,
    logFile,
    caFile: certificate.caFile,
    notAfter: new Date(new X509Certificate(fs.readFileSync(certificate.certFile)).validTo).toISOString(),
    startedAt: new Date().toISOString(),
  };
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!isProcessAlive(pid)) throw new Error(`the webhook exited during start-up (log ${logFile}):\n${logTail(logFile)}`);
      if (Date.now() > deadline) throw new Error(`the webhook was not ready after ${START_TIMEOUT_MS} ms (log ${logFile}):\n${logTail(logFile)}`);
      if (!webhook.port) {
        const listening = /listening on port (\d+)/.exec(fs.readFileSync(logFile, "utf8"));
        if (listening) Object.assign(webhook, { port: Number(listening[1]), url: `https://127.0.0.1:${listening[1]}` });
      }
      if (webhook.port && (await probe(webhook, "/readyz")) === 200) return webhook;
      await sleep(100);
    }
  } catch (error) {
    await stopClusterWebhook(webhook);
    throw error;
  }
}

/**
 * Waits until the API server uses the registrations: a dry-run create of a v1beta1 order is
 * converted to the storage version (conversion webhook), a v1alpha1 one gets its owner from the
 * mutating webhook, and an invalid v1alpha1 one is denied by the validating webhook.
 */
async function waitRegistrationActive(ep: KubeEndpoint, timeoutMs = 30_000): Promise<void> {
  const create = (apiVersion: "v1alpha1" | "v1beta1", spec: Record<string, unknown>) =>
    kubeRequest(ep, "POST", `/apis/cloudkit.openshift.io/${apiVersion}/namespaces/default/virtualmachines?dryRun=All`, {
      apiVersion: `cloudkit.openshift.io/${apiVersion}`,
      kind: "VirtualMachine",
      metadata: { name: "cluster-up-probe", namespace: "default", annotations: { "cloudkit.openshift.io/tenant": "cluster-up" } },
      spec: { templateID: "cloudkit.templates.ocp_virt_vm", ...spec },
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const converted = await create("v1beta1", { virtualMachine: { cpuCores: 1 } });
    const defaulted = await create("v1alpha1", { templateParameters: '{"cpu_cores":"1"}' });
    const denied = await create("v1alpha1", { templateParameters: '{"cpu_cores":"0"}' });
    const owner = defaulted.status === 201 ? (JSON.parse(defaulted.text) as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.["cloudkit.openshift.io/managed-by"] : undefined;
    if (converted.status === 201 && owner && denied.text.includes("orders.validate.osac-vm-gitops")) return;
    if (Date.now() > deadline) {
      const show = (r: { status: number; text: string }) => `HTTP ${r.status} ${r.text.slice(0, 300)}`;
      throw new Error(`the API server does not use the webhook after ${timeoutMs} ms: v1beta1 order ${show(converted)}; v1alpha1 order ${show(defaulted)}; invalid order ${show(denied)}`);
    }
    await sleep(200);
  }
}

/**
 * Reuses the recorded webhook when it is healthy, else (re)starts it; then (re-)registers it with
 * the cluster and waits until the API server uses it. Returns the webhook's state.
 */
export async function ensureClusterWebhook(cp: ClusterState, log: (line: string) => void): Promise<ClusterWebhookState> {
  let webhook: ClusterWebhookState;
  if (cp.webhook && (await clusterWebhookHealthy(cp.webhook))) {
    webhook = cp.webhook;
    log(`cluster:up: reusing the webhook at ${webhook.url} (pid ${webhook.pid})`);
  } else {
    if (cp.webhook) log("cluster:up: the recorded webhook is not healthy (or its certificate expires within a day); starting a new one");
    await stopClusterWebhook(cp.webhook);
    webhook = await startClusterWebhook(cp);
    log(`cluster:up: webhook ${webhook.url} ready (pid ${webhook.pid}, log ${webhook.logFile}, certificate valid until ${webhook.notAfter})`);
  }
  try {
    const ep = endpointOf(cp);
    await registerWebhook(ep, { url: webhook.url, caPem: fs.readFileSync(webhook.caFile, "utf8") });
    await waitRegistrationActive(ep);
  } catch (error) {
    await stopClusterWebhook(webhook);
    throw error;
  }
  return webhook;
}
