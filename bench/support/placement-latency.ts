/**
 * The placement benchmark's latency part (bench/placement.ts): the real webhook process, once with
 * OSAC_VM_HUB_REGISTRY=on and once off, both against the same real management cluster (harness
 * control plane) holding 50 Hubs probed by the real hub prober (in this process, through kubeconfig
 * Secrets that point back at the same API server, which serves the KubeVirt/CDI CRDs) and placed
 * orders; mutate CREATE at a fixed 1,000 reviews/s, open loop, in alternating rounds.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import yaml from "js-yaml";
import { pino } from "pino";
import { startControlPlane, type ControlPlane } from "../../scripts/cluster/harness.ts";
import { HUBS_PATH } from "../../src/api/gitops/v1alpha1/hub.ts";
import { HubRegistryController } from "../../src/hubs/hub-registry-controller.ts";
import { KubeRestClient } from "../../src/platform/kube/rest-client.ts";
import type { Phase, PhaseResult } from "./webhook-load.ts";
import { LoadGenerator, startServer, type RunningServer } from "./webhook-processes.ts";
import { mutateCreateReview, UID_PLACEHOLDER } from "./webhook-reviews.ts";

export interface LatencyRound {
  readonly server: "hubs on" | "hubs off";
  readonly round: number;
  readonly result: PhaseResult;
}

export interface LatencyOptions {
  readonly project: string;
  readonly scratch: string;
  readonly hubs: number;
  readonly orders: number;
  readonly rounds: number;
  readonly durationMs: number;
  readonly log: (line: string) => void;
  /** Pin the servers to CPU 0 and the load generator to CPU 1 (as bench:webhook does). */
  readonly pin: boolean;
  /** Reviews per second, open loop. */
  readonly rate: number;
}

const SECRETS_NAMESPACE = "osac-vm-gitops";

/** Hubs, their Secrets and placed orders on the cluster; the prober marks the hubs reachable. */
async function prepareRegistry(cp: ControlPlane, options: LatencyOptions): Promise<{ registry: HubRegistryController; rest: KubeRestClient }> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cp.kubeconfigPath);
  const rest = new KubeRestClient(kubeConfig);
  const kubeconfig = yaml.dump({
    clusters: [{ name: "m", cluster: { server: cp.server, "certificate-authority-data": readFileSync(cp.caPath).toString("base64") } }],
    users: [{ name: "u", user: { token: cp.adminToken } }],
    contexts: [{ name: "m", context: { cluster: "m", user: "u" } }],
    "current-context": "m",
  });
  await rest.request("POST", "/api/v1/namespaces", { body: { metadata: { name: SECRETS_NAMESPACE } }, discardBody: true });
  await rest.request("POST", "/api/v1/namespaces", { body: { metadata: { name: "cloudkit-vm-orders" } }, discardBody: true });
  await rest.request("POST", `/api/v1/namespaces/${SECRETS_NAMESPACE}/secrets`, { body: { metadata: { name: "hub-kubeconfig" }, stringData: { kubeconfig } }, discardBody: true });
  for (let index = 0; index < options.hubs; index++) {
    const vcpus = 8192 + (index % 5) * 2048;
    await rest.request("POST", HUBS_PATH, {
      body: {
        apiVersion: "gitops.cloudkit.openshift.io/v1alpha1",
        kind: "Hub",
        metadata: { name: `hub-${String(index).padStart(2, "0")}` },
        spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: "hub-kubeconfig" }, labels: { region: ["eu", "us", "ap"][index % 3] }, capacity: { vcpus, memory: `${vcpus * 4}Gi` } },
      },
      discardBody: true,
    });
  }
  for (let index = 0; index < options.orders; index += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, options.orders - index) }, (_, offset) =>
        rest.request("POST", "/apis/cloudkit.openshift.io/v1alpha1/namespaces/cloudkit-vm-orders/virtualmachines", {
          body: {
            apiVersion: "cloudkit.openshift.io/v1alpha1",
            kind: "VirtualMachine",
            metadata: { name: `placed-${index + offset}`, annotations: { "cloudkit.openshift.io/tenant": "t", "cloudkit.openshift.io/hub": `hub-${String((index + offset) % options.hubs).padStart(2, "0")}` } },
            spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: '{"cpu_cores":"4","memory":"8Gi"}' },
          },
          discardBody: true,
        }),
      ),
    );
  }
  const registry = new HubRegistryController({ kubeConfig, rest, logger: pino({ level: "silent" }), secretsNamespace: SECRETS_NAMESPACE, probeIntervalMs: 600_000 });
  await registry.start();
  registry.startLeading();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const list = (await rest.request<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>("GET", HUBS_PATH)).body.items;
    const reachable = list.filter((hub) => hub.status?.conditions?.some((c) => c.type === "Reachable" && c.status === "True")).length;
    if (reachable === options.hubs) break;
    if (Date.now() > deadline) throw new Error(`only ${reachable} of ${options.hubs} hubs became reachable in 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  options.log(`  ${options.hubs} hubs probed reachable by the hub prober; ${options.orders} placed orders`);
  return { registry, rest };
}

async function ready(server: RunningServer): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const request = httpsRequest({ host: "127.0.0.1", port: server.port, path: "/readyz", ca: readFileSync(server.caFile) }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on("error", () => resolve(0));
      request.end();
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${server.name} not ready after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One mutate CREATE outside the timed phases: the answer's status, decision and patch paths. */
async function reviewOnce(server: RunningServer): Promise<string> {
  const body = mutateCreateReview().replace(UID_PLACEHOLDER, "b3e1c0de-0000-4000-8000-00000000beef");
  const text = await new Promise<string>((resolve, reject) => {
    const request = httpsRequest(
      { host: "127.0.0.1", port: server.port, path: "/mutate/virtualmachines", method: "POST", ca: readFileSync(server.caFile), headers: { "content-type": "application/json" }, timeout: 15_000 },
      (response) => {
        let answer = "";
        response.on("data", (chunk: Buffer) => (answer += chunk.toString()));
        response.on("end", () => resolve(answer));
      },
    );
    request.on("timeout", () => request.destroy(new Error(`${server.name}: no answer within 15 s`)));
    request.on("error", reject);
    request.end(body);
  });
  const response = (JSON.parse(text) as { response: { allowed: boolean; patch?: string; status?: { message?: string } } }).response;
  if (!response.allowed) throw new Error(`${server.name} denied the review: ${response.status?.message}`);
  const paths = (JSON.parse(Buffer.from(response.patch ?? "W10=", "base64").toString()) as { path: string }[]).map((operation) => operation.path);
  return `allowed, patch ${paths.join(", ")}`;
}

export async function measureAdmissionLatency(options: LatencyOptions): Promise<LatencyRound[]> {
  const cp = await startControlPlane({ restrictedUserNames: [], log: (line) => options.log(`  ${line}`) });
  const servers: RunningServer[] = [];
  const load = new LoadGenerator(options.project, options.pin ? 1 : undefined);
  let prepared: { registry: HubRegistryController; rest: KubeRestClient } | undefined;
  try {
    prepared = await prepareRegistry(cp, options);
    const home = join(options.scratch, "home");
    mkdirSync(home, { recursive: true });
    const env = { ...process.env, HOME: home, NODE_OPTIONS: "", KUBECONFIG: cp.kubeconfigPath, CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "standard", LOG_LEVEL: "warn" };
    const args = ["bin/osac-vm.js", "webhook", "--port", "0", "--bind-address", "127.0.0.1", "--dev-tls"];
    const on = await startServer({ name: "hubs-on", args, env: { ...env, OSAC_VM_HUB_REGISTRY: "on" } }, options.scratch, options.project, options.pin ? 0 : undefined);
    servers.push(on);
    const off = await startServer({ name: "hubs-off", args, env: { ...env, OSAC_VM_HUB_REGISTRY: "off" } }, options.scratch, options.project, options.pin ? 0 : undefined);
    servers.push(off);
    await Promise.all([ready(on), ready(off)]);
    for (const server of [on, off]) options.log(`  ${server.name}: one review answered: ${await reviewOnce(server)}`);
    const bytes = Buffer.from(mutateCreateReview());
    const bodyFile = join(options.scratch, "mutate-create.json");
    writeFileSync(bodyFile, bytes);
    const phase = (server: RunningServer, hubs: boolean): Phase => ({
      port: server.port,
      caFile: server.caFile,
      path: "/mutate/virtualmachines",
      bodyFile,
      uidOffset: bytes.indexOf(UID_PLACEHOLDER),
      serverPid: server.pid,
      mode: "open",
      concurrency: 64,
      rate: options.rate,
      warmupMs: 2_000,
      durationMs: options.durationMs,
      expect: { kind: "admission", allowed: true, patch: "required", patchMustMention: hubs ? ["/metadata/annotations/cloudkit.openshift.io~1hub"] : ["/metadata/annotations/cloudkit.openshift.io~1managed-by"] },
    });
    const rounds: LatencyRound[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const order = round % 2 === 1 ? ([["hubs on", on], ["hubs off", off]] as const) : ([["hubs off", off], ["hubs on", on]] as const);
      for (const [name, server] of order) {
        const result = await load.run(phase(server, name === "hubs on"));
        if (result.reviews === 0) throw new Error(`${name}: no review answered in the window (${result.issued} issued, ${result.failures} failed: ${result.firstFailure ?? "no failure recorded"})`);
        options.log(`  round ${round} ${name}: ${result.reviews} reviews, p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms, ${((1e6 * result.serverCpuS) / result.reviews).toFixed(1)} µs CPU/review${result.failures ? `, ${result.failures} FAILED: ${result.firstFailure}` : ""}`);
        if (result.failures > 0) throw new Error(`${name}: ${result.failures} answers failed their checks: ${result.firstFailure}`);
        rounds.push({ server: name, round, result });
      }
    }
    return rounds;
  } finally {
    load.close();
    for (const server of servers) await server.stop();
    await prepared?.registry.stop();
    prepared?.rest.close();
    await cp.stop();
  }
}
