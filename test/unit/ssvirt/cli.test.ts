// `osac-vm ssvirt` refuses bad usage before it opens any database (exit 2, naming the problem).
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";

describe("osac-vm ssvirt", () => {
  it.each([
    [["ssvirt"], /Usage: osac-vm ssvirt <command>/, "stdout"],
    [["ssvirt", "frobnicate"], /unknown command 'frobnicate'; known commands are render, controller, add-vdc/, "stderr"],
    [["ssvirt", "render"], /--out is required/, "stderr"],
    [["ssvirt", "render", "--out", "x", "--bogus"], /Unknown option '--bogus'/, "stderr"],
    [["ssvirt", "add-vdc", "--name", "v"], /--organization is required/, "stderr"],
    [["ssvirt", "add-vdc", "--organization", "o", "--name", "v", "--cpu-units", "GHz"], /--cpu-units 'GHz': use MHz, cores or millicores/, "stderr"],
    [["ssvirt", "add-vdc", "--organization", "o", "--name", "v", "--cpu-limit", "2.5"], /--cpu-limit '2.5': must be a whole number/, "stderr"],
    [["ssvirt", "controller", "--poll-interval-ms", "5"], /--poll-interval-ms: must be at least 100 ms/, "stderr"],
  ])("GIVEN %j THEN it exits 2 and says %s", async (args, message, stream) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(stream === "stdout" ? run.stdout : run.stderr).toMatch(message);
  });

  it("GIVEN SSVIRT_DATABASE_URL that is not a PostgreSQL URL THEN render refuses it without printing it", async () => {
    const run = await runCli(["ssvirt", "render", "--out", "x"], { env: { SSVIRT_DATABASE_URL: "mysql://admin:s3cret@db/ssvirt" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SSVIRT_DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(run.stderr).not.toContain("s3cret");
  });

  it("GIVEN SSVIRT_DATABASE_URL THEN add-vdc refuses: SSVirt's own database gets its VDCs from SSVirt", async () => {
    const run = await runCli(["ssvirt", "add-vdc", "--organization", "o", "--name", "v"], { env: { SSVIRT_DATABASE_URL: "postgres://db/ssvirt" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/add-vdc writes only the embedded database/);
  });
});
