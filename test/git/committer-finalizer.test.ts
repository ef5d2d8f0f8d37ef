// The committer's finalizer (docs/adr/0025-gitops-committer.md) on a real kube-apiserver (the
// harness's control plane) and a real Git server (git daemon): the committer runs in this process,
// wired as `osac-vm committer` wires it. An order that leaves gitops, or is deleted, loses the
// finalizer once the commit removing its files is pushed, with nothing else touching the order:
// the push itself is no order event, so the commit loop hands the settled orders back.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlane } from "../../scripts/cluster/harness.ts";
import { startCommitter, type RunningCommitter } from "../../src/gitops/committer/committer.ts";
import { parseCommitterConfig } from "../../src/gitops/committer/config.ts";
import { COMMITTER_FINALIZER } from "../../src/gitops/committer/order-housekeeping.ts";
import { prepareCommitter } from "../../src/gitops/committer/setup.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { adminKubeConfig, createNamespace, rawRequest, uniqueName } from "../e2e/support/kube.ts";
import { orderDocument } from "../support/orders.ts";
import { GitDaemon } from "./support/git-daemon.ts";

const NAMESPACE = uniqueName("orders");
const TENANT = "acme";
const ORDERS = `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${NAMESPACE}/virtualmachines`;
const DIRECTORY = `rendered/${tenantNamespace(NAMESPACE, TENANT)}`;
const NAMES = ["vm-a", "vm-b", "vm-c", "vm-d"];

interface OrderObject {
  metadata: { finalizers?: string[]; annotations?: Record<string, string>; resourceVersion?: string; deletionTimestamp?: string };
}

let cp: ControlPlane;
let daemon: GitDaemon;
let admin: k8s.KubeConfig;
let committer: RunningCommitter | undefined;
let work: string;
const logLines: string[] = [];

function committerLogTail(): string {
  return logLines.slice(-15).join("");
}

async function getOrder(name: string): Promise<OrderObject | undefined> {
  const response = await rawRequest(admin, "GET", `${ORDERS}/${name}`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET order ${name}: HTTP ${response.status} ${response.body}`);
  return JSON.parse(response.body) as OrderObject;
}

/** The order files the branch holds (names without .yaml); none before the first push. */
function filesInBranch(): string[] {
  if (daemon.git("finalizer", "for-each-ref", "refs/heads/main").trim() === "") return [];
  const listed = daemon.git("finalizer", "ls-tree", "-r", "--name-only", "main").trim();
  return listed === "" ? [] : listed.split("\n").filter((file) => file.startsWith(`${DIRECTORY}/`) && !file.endsWith("/_namespace.yaml")).map((file) => path.basename(file, ".yaml"));
}

const hasOurFinalizer = (order: OrderObject | undefined) => (order?.metadata.finalizers ?? []).includes(COMMITTER_FINALIZER);

/** Polls until `done`; fails with `what`, the last state seen and the committer's last log lines. */
async function until(what: string, done: () => Promise<boolean> | boolean, state: () => Promise<string> | string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${await state()}\ncommitter log tail:\n${committerLogTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-committer-finalizer-"));
  [cp, daemon] = await Promise.all([startControlPlane({ defaultStorageClass: false, restrictedUserNames: [], log: (line) => process.stderr.write(`[git] ${line}\n`) }), GitDaemon.start()]);
  admin = adminKubeConfig({ kubeconfigPath: cp.kubeconfigPath, server: cp.server, external: false, restrictedUsers: [] });
  await createNamespace(admin, NAMESPACE);
  const url = daemon.createRepository("finalizer");
  const parsed = parseCommitterConfig(
    {
      repository: url,
      kubeconfig: cp.kubeconfigPath,
      "data-dir": path.join(work, "data"),
      "order-namespaces": NAMESPACE,
      "leader-election-namespace": NAMESPACE,
      "argocd-refresh": "none",
      "batch-window": "200ms",
      "metrics-port": "0",
      "bind-address": "127.0.0.1",
    },
    { POD_NAME: "committer-0" },
  );
  if (!parsed.success) throw new Error(`committer settings: ${JSON.stringify(parsed.error.issues)}`);
  const setup = await prepareCommitter(parsed.data, { PATH: process.env.PATH });
  const logger = createLogger({ name: "committer", level: "info", destination: { write: (line: string) => logLines.push(line) } as unknown as NodeJS.WritableStream });
  committer = await startCommitter(parsed.data, setup, {}, logger);
}, 300_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => void process.stderr.write(`\n----- committer log tail -----\n${logLines.slice(-40).join("")}\n`));
});

afterAll(async () => {
  await committer?.close();
  await daemon?.stop();
  await cp?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

describe("GIVEN the committer on a real kube-apiserver and a real Git server", () => {
  it("WHEN gitops orders are created THEN each gets the committer's finalizer and its file in a pushed commit", async () => {
    for (const name of NAMES) {
      const created = await rawRequest(admin, "POST", ORDERS, JSON.stringify(orderDocument({ cpu_cores: "2" }, { name, namespace: NAMESPACE, tenant: TENANT, managedBy: "gitops" })));
      expect(created.status, created.body).toBe(201);
    }
    await until(
      "every order's file in the branch and the finalizer on every order",
      async () => filesInBranch().length === NAMES.length && (await Promise.all(NAMES.map(getOrder))).every(hasOurFinalizer),
      async () => `files: ${filesInBranch().join(", ")}; finalizers: ${JSON.stringify((await Promise.all(NAMES.map(getOrder))).map((order) => order?.metadata.finalizers))}`,
    );
    expect(filesInBranch().sort()).toEqual(NAMES);
  });

  it("WHEN an order's managed-by changes to controller THEN the push removing its file is followed by the release of the finalizer, with no further change to the order", async () => {
    const patched = await rawRequest(admin, "PATCH", `${ORDERS}/vm-a`, JSON.stringify({ metadata: { annotations: { "cloudkit.openshift.io/managed-by": "controller" } } }), "application/merge-patch+json");
    expect(patched.status, patched.body).toBe(200);
    await until("the branch to lose vm-a's file", () => !filesInBranch().includes("vm-a"), () => `files: ${filesInBranch().join(", ")}`);
    // Nothing touches the order from here on: the committer alone must let go of it.
    await until(
      "the committer's finalizer to leave vm-a",
      async () => !hasOurFinalizer(await getOrder("vm-a")),
      async () => `vm-a: ${JSON.stringify((await getOrder("vm-a"))?.metadata)}`,
    );
    const order = await getOrder("vm-a");
    expect(order?.metadata.annotations?.["cloudkit.openshift.io/managed-by"]).toBe("controller");
    expect(order?.metadata.deletionTimestamp).toBeUndefined();
    // The others keep theirs, and their files.
    expect((await Promise.all(["vm-b", "vm-c", "vm-d"].map(getOrder))).every(hasOurFinalizer)).toBe(true);
    expect(filesInBranch().sort()).toEqual(["vm-b", "vm-c", "vm-d"]);
  });

  it("WHEN a gitops order is deleted THEN its file is removed in a pushed commit, the finalizer is released and the order disappears", async () => {
    const deleted = await rawRequest(admin, "DELETE", `${ORDERS}/vm-b`);
    expect(deleted.status, deleted.body).toBe(200);
    await until("the branch to lose vm-b's file", () => !filesInBranch().includes("vm-b"), () => `files: ${filesInBranch().join(", ")}`);
    await until("vm-b to disappear", async () => (await getOrder("vm-b")) === undefined, async () => `vm-b: ${JSON.stringify((await getOrder("vm-b"))?.metadata)}`);
    expect(filesInBranch().sort()).toEqual(["vm-c", "vm-d"]);
    expect((await Promise.all(["vm-c", "vm-d"].map(getOrder))).every(hasOurFinalizer)).toBe(true);
  });
});
