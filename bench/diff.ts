/**
 * `diff --live` benchmark (npm run bench:diff): a real etcd + kube-apiserver
 * (scripts/cluster/harness.ts, service range /16 so every order gets its LoadBalancer Service),
 * `--orders` (5,000) AAP-era orders built as the role builds them (test/support/role-fleet.ts:
 * aap-parity children server-side applied under the role's field manager with KubeVirt's
 * defaults, a VMI for every other order), `--drift` of them hand-edited; then
 * `node bin/osac-vm.js diff --live -A -o json --stats` as a fresh process, `--runs` times.
 *
 * Per run: wall, CPU and peak RSS of the process (GNU time), its own request count (the
 * CountingClient, in the JSON report), and the API server's count of the same run
 * (`apiserver_request_total` from /metrics before and after, by verb and resource), beside the
 * number of objects per kind and the pages a 500-item LIST needs for them: a paged LIST per kind,
 * never a GET per object. /proc/loadavg is printed before and after each run (the machine is
 * shared). Markdown on stdout, progress on stderr.
 *
 * Options: --orders N (5000), --namespaces N (order namespaces, 4), --tenants N (4), --drift N (5),
 * --runs N (3), --create-concurrency N (24).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { startControlPlane, type ControlPlane } from "../scripts/cluster/harness.ts";
import { buildIsCurrent } from "../bin/build-stamp.js";
import { tenantNamespace } from "../src/domain/tenant.ts";
import { LIST_PAGE_SIZE } from "../src/platform/kube/list-pages.ts";
import { KubeRestClient, objectPath } from "../src/platform/kube/rest-client.ts";
import { createRoleOrder, inParallel, type RoleOrder } from "../test/support/role-fleet.ts";
import { median, TIME_BINARY } from "./support/measure.ts";

const { values: flags } = parseArgs({
  options: {
    orders: { type: "string", default: "5000" },
    namespaces: { type: "string", default: "4" },
    tenants: { type: "string", default: "4" },
    drift: { type: "string", default: "5" },
    runs: { type: "string", default: "3" },
    "create-concurrency": { type: "string", default: "24" },
  },
});
const ORDERS = Number(flags.orders);
const ROOT = join(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[bench:diff] ${line}\n`);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").trim();

interface Run {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  exitCode: number;
  clientRequests: Record<string, number>;
  serverRequests: Record<string, number>;
  readMs: number;
  compareMs: number;
  summary: { orders: number; identical: number; differing: number; restarts: number };
  loadBefore: string;
  loadAfter: string;
}

async function main(): Promise<void> {
  let plane: ControlPlane | undefined;
  let rest: KubeRestClient | undefined;
  const stop = async () => {
    rest?.close();
    await plane?.stop();
  };
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    log(`starting a control plane (load ${loadavg()})`);
    plane = await startControlPlane({ serviceClusterIpRange: "10.96.0.0/16", log });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(plane.kubeconfigPath);
    rest = new KubeRestClient(kubeConfig, 60_000);
    const fleet = await buildFleet(rest);
    const runs: Run[] = [];
    for (let run = 1; run <= Number(flags.runs); run++) {
      runs.push(await measureRun(rest, plane.kubeconfigPath));
      log(`run ${run}: ${runs[run - 1]!.wallS} s, ${total(runs[run - 1]!.clientRequests)} requests`);
    }
    process.stdout.write(report(fleet, runs));
  } finally {
    await stop();
  }
}

interface Fleet {
  orders: number;
  running: number;
  /** Objects per resource, one entry per collection LISTed under that name (orders and KubeVirt VMs are both `virtualmachines`). */
  objects: Record<string, number[]>;
  createS: number;
}

async function buildFleet(rest: KubeRestClient): Promise<Fleet> {
  const orderNamespaces = Array.from({ length: Number(flags.namespaces) }, (_, index) => `bench-orders-${index}`);
  const tenants = Array.from({ length: Number(flags.tenants) }, (_, index) => `bench-tenant-${index}`);
  for (const namespace of orderNamespaces) {
    await createNamespace(rest, namespace);
    for (const tenant of tenants) await createNamespace(rest, tenantNamespace(namespace, tenant));
  }
  const orders = Array.from({ length: ORDERS }, (_, index) => ({
    namespace: orderNamespaces[index % orderNamespaces.length]!,
    tenant: tenants[Math.floor(index / orderNamespaces.length) % tenants.length]!,
    order: {
      name: `vm-${String(index).padStart(5, "0")}`,
      parameters: {
        storage_class: "standard",
        cpu_cores: String(1 + (index % 8)),
        memory: `${1 + (index % 4)}Gi`,
        exposed_ports: index % 3 === 0 ? "22/tcp,80/tcp" : "22/tcp",
        ...(index % 2 === 1 ? { ssh_public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly bench@example" } : {}),
      },
      running: index % 2 === 0,
      statuses: false,
      // 5,000 LoadBalancer Services would need 5,000 node ports (the range has 2,768): a field the diff ignores.
      serviceSpec: { allocateLoadBalancerNodePorts: false },
    } satisfies RoleOrder,
  }));
  const started = performance.now();
  let done = 0;
  await inParallel(orders, Number(flags["create-concurrency"]), async ({ namespace, tenant, order }) => {
    await createRoleOrder(rest, namespace, tenant, order);
    if (++done % 500 === 0) log(`created ${done}/${ORDERS} orders (load ${loadavg()})`);
  });
  const createS = (performance.now() - started) / 1000;
  for (const { namespace, tenant, order } of orders.slice(0, Number(flags.drift))) {
    const path = objectPath("kubevirt.io/v1", "VirtualMachine", tenantNamespace(namespace, tenant), order.name);
    await rest.request("PATCH", `${path}?fieldManager=kubectl-edit`, { body: { metadata: { labels: { team: "blue" } } }, contentType: "application/merge-patch+json", discardBody: true });
  }
  const ssh = orders.filter(({ order }) => order.parameters.ssh_public_key).length;
  const running = orders.filter(({ order }) => order.running).length;
  return {
    orders: ORDERS,
    running,
    objects: { virtualmachines: [ORDERS, ORDERS], secrets: [ORDERS + ssh], datavolumes: [ORDERS], services: [ORDERS], virtualmachineinstances: [running] },
    createS,
  };
}

async function measureRun(rest: KubeRestClient, kubeconfig: string): Promise<Run> {
  const scratch = mkdtempSync(join(tmpdir(), "osac-bench-diff-"));
  try {
    const before = await serverCounts(rest);
    const loadBefore = loadavg();
    spawnSync("sync");
    // Asynchronously: a blocked event loop would hand the next request a keep-alive socket the
    // server closed meanwhile.
    const child = await run(TIME_BINARY, ["-f", "%e %U %S %M", "-o", join(scratch, "time"), process.execPath, "bin/osac-vm.js", "diff", "--live", "-A", "-o", "json", "--stats"], { ...process.env, KUBECONFIG: kubeconfig, NODE_OPTIONS: "" });
    const loadAfter = loadavg();
    const after = await serverCounts(rest);
    if (child.status !== 0 && child.status !== 1) throw new Error(`diff exited ${child.status ?? child.signal}: ${child.stderr}`);
    const [wall, user, system, rssKb] = readFileSync(join(scratch, "time"), "utf8").trim().split(/\s+/).slice(-4).map(Number);
    const report = JSON.parse(child.stdout) as { summary: Run["summary"]; requests: { byResource: { verb: string; resource: string; count: number }[] } };
    const stats = /read (\d+) ms, rendered and compared (\d+) ms/.exec(child.stderr);
    const serverRequests: Record<string, number> = {};
    for (const [key, count] of Object.entries(after)) if (count - (before[key] ?? 0) > 0) serverRequests[key] = count - (before[key] ?? 0);
    return {
      wallS: wall!,
      cpuS: user! + system!,
      peakRssMb: rssKb! / 1024,
      exitCode: child.status,
      clientRequests: Object.fromEntries(report.requests.byResource.map((r) => [`${r.verb} ${r.resource}`, r.count])),
      serverRequests,
      readMs: Number(stats?.[1] ?? NaN),
      compareMs: Number(stats?.[2] ?? NaN),
      summary: report.summary,
      loadBefore,
      loadAfter,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }));
  });
}

/** `apiserver_request_total` summed by verb and resource (resource requests only). */
async function serverCounts(rest: KubeRestClient): Promise<Record<string, number>> {
  const text = (await rest.request<string>("GET", "/metrics")).body;
  const counts: Record<string, number> = {};
  for (const line of String(text).split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? "";
    const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? "";
    if (!resource) continue;
    const key = `${verb} ${resource}`;
    counts[key] = (counts[key] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return counts;
}

async function createNamespace(rest: KubeRestClient, name: string): Promise<void> {
  await rest.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } }, discardBody: true });
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);

function report(fleet: Fleet, runs: Run[]): string {
  const out: string[] = [];
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  out.push(`## Results (HEAD ${commit}, ${new Date().toISOString().slice(0, 10)})`, "");
  out.push(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; CLI: ${buildIsCurrent(ROOT) ? "compiled build/" : "sources through tsx"}.`);
  out.push(`Fleet: ${fleet.orders} orders (${fleet.running} with a running VMI), ${Number(flags.drift)} hand-edited; created in ${fleet.createS.toFixed(0)} s.`, "");
  out.push("| run | wall s | CPU s | peak RSS MB | read ms | render+compare ms | orders | differing | exit | requests (CLI) | requests (API server) | /proc/loadavg before → after |");
  out.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  runs.forEach((run, index) => {
    out.push(`| ${index + 1} | ${run.wallS.toFixed(2)} | ${run.cpuS.toFixed(2)} | ${run.peakRssMb.toFixed(0)} | ${run.readMs} | ${run.compareMs} | ${run.summary.orders} | ${run.summary.differing} | ${run.exitCode} | ${total(run.clientRequests)} | ${total(run.serverRequests)} | ${run.loadBefore} → ${run.loadAfter} |`);
  });
  out.push(`| median | ${median(runs.map((run) => run.wallS)).toFixed(2)} | ${median(runs.map((run) => run.cpuS)).toFixed(2)} | ${median(runs.map((run) => run.peakRssMb)).toFixed(0)} | ${median(runs.map((run) => run.readMs))} | ${median(runs.map((run) => run.compareMs))} | | | | | | |`, "");
  const objects = fleet.objects;
  const first = runs[0]!;
  const keys = [...new Set([...Object.keys(first.clientRequests), ...Object.keys(first.serverRequests)])].sort();
  out.push(`Requests of run 1 by verb and resource, against the objects on the cluster and the pages a ${LIST_PAGE_SIZE}-item LIST needs for them:`, "");
  out.push("| request | objects | pages needed | CLI count | API server count |");
  out.push("|---|---:|---:|---:|---:|");
  for (const key of keys) {
    const resource = key.split(" ")[1]!;
    const sizes = objects[resource];
    const pages = sizes === undefined || !key.startsWith("LIST") ? "" : String(sizes.reduce((sum, size) => sum + Math.max(1, Math.ceil(size / LIST_PAGE_SIZE)), 0));
    out.push(`| ${key} | ${sizes?.join(" + ") ?? ""} | ${pages} | ${first.clientRequests[key] ?? 0} | ${first.serverRequests[key] ?? 0} |`);
  }
  out.push("", `A GET per object would be ${Object.values(fleet.objects).flat().reduce((sum, count) => sum + count, 0)} requests for the same fleet.`, "");
  return `${out.join("\n")}\n`;
}

await main();
