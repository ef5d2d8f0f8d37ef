// Usage errors of `diff` and `explain` that need no cluster: each is named and exits 2.
import { describe, expect, it } from "vitest";
import { runCli, temporaryDirectory } from "../../support/cli.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

describe("osac-vm diff", () => {
  it.each([
    [["diff"], "add --live"],
    [["diff", "--live", "-n", "a", "-A"], "--namespace and --all-namespaces exclude each other"],
    [["diff", "--live", "--profile", "nope"], "--profile 'nope' is not known; use one of auto, gitops, aap-parity"],
    [["diff", "--live", "--rollout-strategy", "Live"], "--rollout-strategy 'Live' is not known; use LiveUpdate or Stage"],
    [["diff", "--live", "-o", "yaml"], "--output 'yaml' is not known; use text or json"],
    [["diff", "--live", "--frobnicate"], "Unknown option '--frobnicate'"],
  ])("GIVEN %j THEN exit 2 naming the problem", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("GIVEN no cluster access THEN exit 2 saying so", async () => {
    const directory = temporaryDirectory();
    const run = await runCli(["diff", "--live"], { env: { HOME: directory } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no cluster access: no KUBECONFIG, no in-cluster service account and no ~/.kube/config");
  });

  it("GIVEN an unreadable kubeconfig THEN exit 2 naming it", async () => {
    const file = join(temporaryDirectory(), "kubeconfig");
    writeFileSync(file, "clusters: [[[");
    const run = await runCli(["diff", "--live", "--kubeconfig", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no cluster access: cannot use the kubeconfig ${file}`);
  });

  it("prints its usage with --help", async () => {
    const run = await runCli(["diff", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: osac-vm diff --live");
  });
});

describe("osac-vm explain", () => {
  it.each([
    [["explain"], "explain takes one order"],
    [["explain", "a/b", "c"], "explain takes one order"],
    [["explain", "a/b/c"], "'a/b/c' is not <namespace>/<order> or <order>"],
    [["explain", "-n", "x", "a/b"], "'a/b' names namespace a but --namespace says x"],
    [["explain", "a/b", "-o", "yaml"], "--output 'yaml' is not known"],
    [["explain", "a/b", "--database-url", "mysql://x"], "--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL"],
  ])("GIVEN %j THEN exit 2 naming the problem", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("GIVEN an invalid OSAC_VM_MANAGED_BY_ROLLOUT THEN exit 2 naming the variable", async () => {
    const run = await runCli(["explain", "a/b"], { env: { OSAC_VM_MANAGED_BY_ROLLOUT: "gitops:101" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("OSAC_VM_MANAGED_BY_ROLLOUT 'gitops:101' is not <controller|gitops>:<0-100>");
  });
});
