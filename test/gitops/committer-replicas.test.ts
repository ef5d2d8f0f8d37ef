// Two `osac-vm committer` replicas on one Lease (issue 14, faults): only the leader commits; when
// it is SIGKILLed (the Lease is not released), the other takes over once the Lease expires and
// commits what arrived meanwhile, once, without committing the first order again.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startControllerProcess, type ControllerProcess } from "../e2e/support/controller-process.ts";
import { adminKubeConfig, createNamespace, eventually, rawRequest, uniqueName } from "../e2e/support/kube.ts";
import { gitopsOrder } from "./support/fixture.ts";
import { getObject } from "./support/play-kubevirt.ts";
import { RenderedRepo } from "./support/rendered-repo.ts";
import { writeGitCredentialsDir } from "../../scripts/cluster/git-server.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const ordersNamespace = uniqueName("replicas");
const ORDERS = `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNamespace}/virtualmachines`;
const PUSHED = /^Pushed commit ([0-9a-f]{40}) with config version \S+$/;

let work: string;
let repo: RenderedRepo;
let seed: string;
let replicas: ControllerProcess[] = [];

function bareGit(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("git", [`--git-dir=${repo.bareDir}`, ...args], (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(" ")}: ${stderr.trim()}`)) : resolve(stdout))),
  );
}

/** The commit named by the order's Committed condition, once it says Pushed. */
async function pushedCommit(name: string, timeoutMs: number): Promise<string> {
  let commit = "";
  await eventually(
    async () => {
      const order = (await getObject(admin, `${ORDERS}/${name}`)) as { status?: { conditions?: { type: string; message: string }[] } } | undefined;
      const match = PUSHED.exec(order?.status?.conditions?.find((condition) => condition.type === "Committed")?.message ?? "");
      if (!match) throw new Error(`order ${name} is not Committed yet: ${JSON.stringify(order?.status?.conditions ?? [])}`);
      commit = match[1]!;
    },
    timeoutMs,
    250,
  );
  return commit;
}

const messages = (replica: ControllerProcess) => replica.logLines().map((line) => line.msg);

async function post(name: string): Promise<void> {
  const created = await rawRequest(admin, "POST", ORDERS, JSON.stringify(gitopsOrder(name, ordersNamespace, "ha")));
  expect(created.status, created.body).toBe(201);
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-gitops-replicas-"));
  const leaseNamespace = uniqueName("lease");
  await createNamespace(admin, leaseNamespace);
  await createNamespace(admin, ordersNamespace);
  const credentials = writeGitCredentialsDir(ctx.git, work);
  repo = await RenderedRepo.create(ctx.git, "replicas");
  repo.writeFile("README.md", "Rendered orders.\n");
  seed = await repo.commitAndPush("Seed the repository");
  const start = (identity: string) =>
    startControllerProcess({
      kubeconfigPath: ctx.cluster.kubeconfigPath,
      leaseNamespace,
      identity,
      logLevel: "info",
      command: ["committer"],
      extraArgs: ["--repository", repo.url, "--git-credentials-dir", credentials, "--order-namespaces", ordersNamespace, "--argocd-refresh", "none"],
    });
  // committer-0 first, leading before committer-1 starts.
  replicas = [await start("committer-0")];
  await eventually(async () => expect(await replicas[0]!.metric("osac_vm_committer_leader")).toBe(1), 60_000, 250);
  replicas.push(await start("committer-1"));
});

afterAll(async () => {
  for (const replica of replicas) await replica.stop();
  repo?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("GIVEN two committer replicas on one Lease", () => {
  it("THEN only the leader commits an order created through the API", async () => {
    const [leader, standby] = replicas as [ControllerProcess, ControllerProcess];
    await post("ha-1");
    const commit = await pushedCommit("ha-1", 90_000);
    expect((await bareGit("rev-list", `${seed}..main`)).trim().split("\n")).toEqual([commit]);
    expect(messages(leader)).toContain("Pushed a commit");
    expect(await standby.metric("osac_vm_committer_leader")).toBe(0);
    expect(messages(standby)).not.toContain("Started leading");
    expect(messages(standby)).not.toContain("Pushed a commit");
  });

  it("WHEN the leader is SIGKILLed THEN the other replica takes over and commits the next order once, and nothing twice", async () => {
    const [leader, standby] = replicas as [ControllerProcess, ControllerProcess];
    const before = (await bareGit("rev-list", `${seed}..main`)).trim().split("\n");
    await leader.kill();
    await post("ha-2");
    // The Lease (15 s) must expire first: the killed leader never released it.
    const commit = await pushedCommit("ha-2", 120_000);
    expect(messages(standby)).toContain("Started leading");
    expect(messages(standby)).toContain("Pushed a commit");
    const after = (await bareGit("rev-list", `${seed}..main`)).trim().split("\n");
    expect(after).toEqual([commit, ...before]);
    const files = (await bareGit("diff-tree", "--no-commit-id", "--name-only", "-r", commit)).trim().split("\n");
    expect(files.filter((file) => file.endsWith("/ha-1.yaml"))).toEqual([]);
    expect(files.filter((file) => file.endsWith("/ha-2.yaml"))).toHaveLength(1);
  });
});
