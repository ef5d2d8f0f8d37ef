// npm run cluster:up | cluster:down | cluster:status
//
//   up:     starts a detached control plane (or reuses a healthy one) and the project's webhook for
//           the order CRD's conversion and admission (cluster-webhook.ts; restarted when unhealthy),
//           creates the namespaces of examples/orders, writes .cluster/kubeconfig and
//           .cluster/state.json, prints the kubeconfig path on stdout. `up --argocd` also starts
//           Argo CD, Redis and a Git server (argocd-cli.ts; .cluster/argocd.json).
//   down:   stops both and removes their files.
//   status: prints whether it runs (exit 0) or not (exit 1).
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import {
  REPO_ROOT,
  isProcessAlive,
  readyz,
  startControlPlane,
  stopControlPlaneFromState,
  type ControlPlaneState,
} from "./harness.ts";
import { clusterWebhookHealthy, ensureClusterWebhook, stopClusterWebhook, type ClusterState } from "./cluster-webhook.ts";
import { createExampleNamespaces } from "./example-namespaces.ts";
import { CLUSTER_UP_FIELD_MANAGER } from "./webhook-registration.ts";
import { argocdDown, argocdUp } from "./argocd-cli.ts";

const CLUSTER_DIR = process.env.OSAC_CLUSTER_STATE_DIR ?? path.join(REPO_ROOT, ".cluster");
const STATE = path.join(CLUSTER_DIR, "state.json");
const KUBECONFIG = path.join(CLUSTER_DIR, "kubeconfig");
const LOCK = path.join(CLUSTER_DIR, "lock");

const err = (s: string) => process.stderr.write(`${s}\n`);

function readState(): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(STATE, "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

async function healthy(s: ControlPlaneState): Promise<boolean> {
  // The webhook is not part of it: `up` restarts an unhealthy webhook on a healthy control plane.
  if (!isProcessAlive(s.pids.etcd) || !isProcessAlive(s.pids.apiserver)) return false;
  if (!fs.existsSync(s.kubeconfigPath) || !fs.existsSync(s.caPath)) return false;
  return readyz({ server: s.server, ca: fs.readFileSync(s.caPath), token: s.adminToken });
}

/** mkdir-based lock, so that two concurrent `cluster:up` do not start two clusters. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await fsp.mkdir(CLUSTER_DIR, { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(path.join(LOCK, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      if (owner && !isProcessAlive(owner)) {
        fs.rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

async function removeFiles(): Promise<void> {
  await fsp.rm(STATE, { force: true });
  await fsp.rm(KUBECONFIG, { force: true });
}

/** Removes .cluster/ once nothing is left in it (after the lock is released). */
async function removeClusterDirIfEmpty(): Promise<void> {
  await fsp.rmdir(CLUSTER_DIR).catch(() => {});
}

async function up(): Promise<void> {
  await withLock(async () => {
    const old = readState();
    if (old) {
      if (await healthy(old)) {
        err(`cluster:up: reusing the running control plane at ${old.server} (pids etcd ${old.pids.etcd}, kube-apiserver ${old.pids.apiserver})`);
        await writeState({ ...old, webhook: await ensureClusterWebhook(old, err) });
        process.stdout.write(`${old.kubeconfigPath}\n`);
        return;
      }
      err("cluster:up: the recorded control plane is not healthy; stopping its leftovers and starting a new one");
      await stopClusterWebhook(old.webhook);
      await stopControlPlaneFromState(old);
      await fsp.rm(STATE, { force: true });
    }
    const cp = await startControlPlane({ detached: true, kubeconfigPath: KUBECONFIG, log: err });
    const { stop: _stop, ...state } = cp;
    try {
      const webhook = await ensureClusterWebhook(state, err);
      const namespaces = await createExampleNamespaces({ server: cp.server, ca: fs.readFileSync(cp.caPath), token: cp.adminToken }, CLUSTER_UP_FIELD_MANAGER);
      err(`cluster:up: created the namespaces of examples/orders: ${namespaces.join(", ")}`);
      await writeState({ ...state, webhook });
    } catch (e) {
      await cp.stop();
      throw e;
    }
    err(
      `cluster:up: ${cp.server} ready (kube-apiserver ${cp.kubeVersion}; pids etcd ${cp.pids.etcd}, kube-apiserver ${cp.pids.apiserver}; ` +
        `ready ${cp.timings.processesReadyMs} ms, CRDs ${cp.timings.crdsMs} ms, total ${cp.timings.totalMs} ms)`,
    );
    err(`cluster:up: export KUBECONFIG=${cp.kubeconfigPath}   # or E2E_KUBECONFIG=${cp.kubeconfigPath} npm run test:e2e`);
    process.stdout.write(`${cp.kubeconfigPath}\n`);
  }).catch(async (e: unknown) => {
    await removeClusterDirIfEmpty();
    throw e;
  });
  if (process.argv.includes("--argocd")) await withLock(() => argocdUp(readState()!, CLUSTER_DIR));
}

async function writeState(state: ClusterState): Promise<void> {
  await fsp.writeFile(STATE, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
}

async function down(): Promise<void> {
  await withLock(async () => {
    await argocdDown(CLUSTER_DIR);
    const s = readState();
    if (!s) {
      err(`cluster:down: no control plane recorded in ${STATE}`);
      await removeFiles();
      return;
    }
    await stopClusterWebhook(s.webhook);
    await stopControlPlaneFromState(s);
    await removeFiles();
    err(`cluster:down: stopped ${s.server} (pids etcd ${s.pids.etcd}, kube-apiserver ${s.pids.apiserver}, webhook ${s.webhook?.pid ?? "none"}) and removed ${s.dir}`);
  });
  await removeClusterDirIfEmpty();
}

async function status(): Promise<void> {
  const s = readState();
  if (s && (await healthy(s)) && (await clusterWebhookHealthy(s.webhook))) {
    process.stdout.write(`running ${s.server} ${s.kubeconfigPath} webhook ${s.webhook!.url}\n`);
  } else {
    process.stdout.write(s ? "recorded but not healthy\n" : "not running\n");
    process.exitCode = 1;
  }
}

const cmd = process.argv[2];
const commands: Record<string, () => Promise<void>> = { up, down, status };
const run = cmd ? commands[cmd] : undefined;
if (!run) {
  err("usage: tsx scripts/cluster/cli.ts up|down|status");
  process.exit(2);
}
run().catch((e: unknown) => {
  err(`cluster:${cmd}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
