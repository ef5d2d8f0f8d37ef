// A new user's first session, scripted: the real `npm run cluster:up` (state in a temporary
// OSAC_CLUSTER_STATE_DIR, so it never meets a developer's .cluster/), then the README's steps —
// `kubectl apply -f examples/orders`, `kubectl get virtualmachines.cloudkit.openshift.io` (v1beta1,
// through the conversion webhook that cluster:up runs), the admission webhooks, `osac-vm
// controller` reconciling the examples — a reuse, a webhook restart, and `npm run cluster:down`
// leaving no process, port, directory or file behind.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ClusterState } from "../../scripts/cluster/cluster-webhook.ts";
import { REPO_ROOT, isProcessAlive } from "../../scripts/cluster/harness.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { kubectl } from "./support/chart-cluster.ts";
import { startControllerProcess } from "./support/controller-process.ts";
import { eventually } from "./support/kube.ts";
import { NOTHING_LEFT, portOpen, processesMentioning, waitNothingLeft } from "./support/procs.ts";

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-cluster-up-"));
const kubectlCache = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-cluster-up-kubectl-"));
const env = { ...process.env, OSAC_CLUSTER_STATE_DIR: stateDir };
const log = (line: string) => process.stderr.write(`[cluster-up] ${line}\n`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function npmRun(script: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "--silent", script], { cwd: REPO_ROOT, env, timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, stdout, stderr }),
    );
  });
}

const readState = () => JSON.parse(fs.readFileSync(path.join(stateDir, "state.json"), "utf8")) as ClusterState;
let kubeconfig = "";
const k = (args: string[], stdin?: string) => kubectl(kubeconfig, kubectlCache, args, stdin);
const getJson = async (args: string[]) => {
  const run = await k([...args, "-o", "json"]);
  if (run.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

afterAll(async () => {
  if (fs.existsSync(path.join(stateDir, "state.json"))) await npmRun("cluster:down");
  fs.rmSync(stateDir, { recursive: true, force: true });
  fs.rmSync(kubectlCache, { recursive: true, force: true });
}, 120_000);

describe("npm run cluster:up for a new user", () => {
  let first: ClusterState;

  it("GIVEN no cluster WHEN npm run cluster:up THEN it prints the kubeconfig and records the control plane and the webhook", async () => {
    const t0 = Date.now();
    const up = await npmRun("cluster:up");
    log(`cluster:up took ${Date.now() - t0} ms`);
    expect(up.code, up.stderr).toBe(0);
    kubeconfig = up.stdout.trim().split("\n").pop()!;
    expect(kubeconfig).toBe(path.join(stateDir, "kubeconfig"));
    first = readState();
    expect(first.webhook).toBeDefined();
    expect([first.pids.etcd, first.pids.apiserver, first.webhook!.pid].every(isProcessAlive)).toBe(true);
    expect(first.webhook!.dir.startsWith(first.dir)).toBe(true);
    expect(up.stderr).toContain(`webhook ${first.webhook!.url} ready`);
    const status = await npmRun("cluster:status");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`webhook ${first.webhook!.url}`);
  }, 15 * 60_000);

  it("GIVEN the cluster WHEN kubectl apply -f examples/orders THEN every order is created, and the mutating webhook defaulted the one without an owner", async () => {
    const run = await k(["apply", "-f", path.join(REPO_ROOT, "examples/orders")]);
    // The webhook's warnings (a :latest image, a storage class this cluster lacks) are expected.
    expect(run.stderr.split("\n").filter((line) => line && !line.startsWith("Warning: "))).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/ created/g)).toHaveLength(4);
    const scratch = await getJson(["get", "virtualmachines.v1alpha1.cloudkit.openshift.io", "-n", "team-b-orders", "scratch"]);
    expect(scratch.metadata.annotations["cloudkit.openshift.io/managed-by"]).toBe("aap");
    expect(JSON.parse(scratch.spec.templateParameters)).toEqual({ storage_class: "standard" });
  });

  it("GIVEN the orders WHEN kubectl get virtualmachines.cloudkit.openshift.io THEN kubectl reads them as v1beta1, converted by the webhook", async () => {
    const run = await k(["get", "virtualmachines.cloudkit.openshift.io", "-A"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const name of ["vm-x7k2q", "web-frontend", "dns-resolver", "scratch"]) expect(run.stdout).toContain(name);
    const list = await getJson(["get", "virtualmachines.cloudkit.openshift.io", "-A"]);
    expect(list.items.map((item: { apiVersion: string }) => item.apiVersion)).toEqual(Array(4).fill("cloudkit.openshift.io/v1beta1"));
    const resolver = list.items.find((item: { metadata: { name: string } }) => item.metadata.name === "dns-resolver");
    expect(resolver.spec.virtualMachine).toMatchObject({ cpuCores: 2, memory: "2Gi", exposedPorts: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] });
  });

  it("GIVEN the validating webhook WHEN an invalid order is applied THEN kubectl prints the webhook's denial", async () => {
    const order = [
      "apiVersion: cloudkit.openshift.io/v1alpha1",
      "kind: VirtualMachine",
      "metadata: {name: vm-bad, namespace: cloudkit-vm-orders, annotations: {cloudkit.openshift.io/tenant: my-tenant}}",
      "spec: {templateID: cloudkit.templates.ocp_virt_vm, templateParameters: '{\"cpu_cores\":\"0\"}'}",
    ].join("\n");
    const run = await k(["apply", "-f", "-"], order);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('admission webhook "orders.validate.osac-vm-gitops.cloudkit.openshift.io" denied the request');
    expect(run.stderr).toContain("cpu_cores");
  });

  it("GIVEN the orders WHEN osac-vm controller runs briefly THEN it applies the controller order's children and writes every controller and gitops order's status", async () => {
    const controller = await startControllerProcess({ kubeconfigPath: kubeconfig, leaseNamespace: "default", identity: "cluster-up-user" });
    try {
      const tenant = tenantNamespace("cloudkit-vm-orders", "research-lab");
      await eventually(async () => {
        const vms = await getJson(["get", "virtualmachines.kubevirt.io", "-n", tenant]);
        if (!vms.items.some((vm: { metadata: { name: string } }) => vm.metadata.name === "dns-resolver")) throw new Error(`no KubeVirt VM dns-resolver in ${tenant} yet`);
      }, 60_000, 250);
      const statuses = await eventually(async () => {
        const list = await getJson(["get", "virtualmachines.v1alpha1.cloudkit.openshift.io", "-A"]);
        const phases = Object.fromEntries(list.items.map((item: { metadata: { name: string }; status?: { phase?: string } }) => [item.metadata.name, item.status?.phase]));
        if (!phases["dns-resolver"] || !phases["vm-x7k2q"] || !phases["web-frontend"]) throw new Error(`phases so far: ${JSON.stringify(phases)}`);
        return { list, phases };
      }, 60_000, 250);
      expect(statuses.phases.scratch).toBeUndefined(); // managed by aap: not the controller's
      const resolver = statuses.list.items.find((item: { metadata: { name: string } }) => item.metadata.name === "dns-resolver");
      expect(resolver.metadata.finalizers).toContain("cloudkit.openshift.io/osac-vm-controller");
      expect(controller.log()).not.toMatch(/"level":(50|60)/);
    } finally {
      await controller.stop();
    }
  }, 180_000);

  it("GIVEN a running cluster WHEN npm run cluster:up again THEN it reuses the control plane and the webhook", async () => {
    const again = await npmRun("cluster:up");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("reusing the running control plane");
    expect(again.stderr).toContain(`reusing the webhook at ${first.webhook!.url}`);
    const state = readState();
    expect(state.pids).toEqual(first.pids);
    expect(state.webhook!.pid).toBe(first.webhook!.pid);
  }, 120_000);

  it("GIVEN the webhook died WHEN npm run cluster:up THEN it starts a new one and kubectl get works again", async () => {
    process.kill(-first.webhook!.pid, "SIGKILL");
    await eventually(async () => {
      if (isProcessAlive(first.webhook!.pid)) throw new Error("webhook still alive");
    }, 10_000, 50);
    const status = await npmRun("cluster:status");
    expect(status.code).toBe(1);
    const up = await npmRun("cluster:up");
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain("the recorded webhook is not healthy");
    const state = readState();
    expect(state.pids).toEqual(first.pids);
    expect(state.webhook!.pid).not.toBe(first.webhook!.pid);
    const run = await k(["get", "virtualmachines.cloudkit.openshift.io", "-A", "-o", "name"]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim().split("\n")).toHaveLength(4);
  }, 120_000);

  it("GIVEN the cluster WHEN npm run cluster:down THEN no process, port, directory or state file is left", async () => {
    const state = readState();
    const webhook = state.webhook!;
    const down = await npmRun("cluster:down");
    expect(down.code, down.stderr).toBe(0);
    expect(await waitNothingLeft(state)).toEqual(NOTHING_LEFT);
    expect(isProcessAlive(webhook.pid)).toBe(false);
    expect(await portOpen(webhook.port)).toBe(false);
    expect(fs.existsSync(webhook.dir)).toBe(false);
    expect(processesMentioning(stateDir)).toEqual([]);
    expect(fs.existsSync(path.join(stateDir, "state.json"))).toBe(false);
    expect(fs.existsSync(path.join(stateDir, "kubeconfig"))).toBe(false);
    expect(fs.existsSync(stateDir)).toBe(false);
  }, 120_000);
});
