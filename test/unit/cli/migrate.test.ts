// Usage errors of `migrate` that need no cluster: each is named and exits 2.
import { describe, expect, it } from "vitest";
import { runCli, temporaryDirectory } from "../../support/cli.ts";

describe("osac-vm migrate", () => {
  it.each([
    [["migrate"], "Usage: osac-vm migrate <command>"],
    [["migrate", "frobnicate"], "unknown command 'frobnicate'; known commands are controller, approve, rollback"],
    [["migrate", "approve"], "approve takes one FleetMigration name, got 0"],
    [["migrate", "rollback", "a", "b"], "rollback takes one FleetMigration name, got 2"],
    [["migrate", "approve", "fm", "--batch", "0"], "--batch '0' is not a batch number (1 or more)"],
    [["migrate", "approve", "fm", "--batch", "two"], "--batch 'two' is not a batch number (1 or more)"],
    [["migrate", "controller", "extra"], "controller takes no arguments, got 'extra'"],
    [["migrate", "controller", "--step-interval-ms=1.5"], "--step-interval-ms '1.5' is not a whole number from 0 to 3600000"],
    [["migrate", "controller", "--rollout-strategy", "Live"], "--rollout-strategy 'Live' is not known; use LiveUpdate or Stage"],
    [["migrate", "controller", "--log-level", "loud"], "--log-level 'loud' is not known"],
    [["migrate", "controller", "--database-wait-seconds", "soon"], "--database-wait-seconds 'soon' is not a whole number from 0 to 86400"],
    [["migrate", "controller", "--database-url", "mysql://db/status"], "--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL"],
  ])("GIVEN %j THEN exit 2 naming the problem", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("GIVEN no cluster access THEN approve and the controller exit 2 saying so", async () => {
    const env = { HOME: temporaryDirectory() };
    for (const args of [["migrate", "approve", "fm"], ["migrate", "controller"]]) {
      const run = await runCli(args, { env });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("no cluster access");
    }
  });

  it("GIVEN --help THEN the usage on stdout, exit 0", async () => {
    const run = await runCli(["migrate", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("approve <name>");
  });
});
