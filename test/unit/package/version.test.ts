import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildInfo, gitRevision } from "../../../src/platform/build-info.ts";
import { runCli, temporaryDirectory } from "../../support/cli.ts";

const REPO_ROOT = join(import.meta.dirname, "../../..");
const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };

describe("osac-vm --version", () => {
  it("GIVEN --version or version THEN it prints the package version and the checkout's revision, exit 0", async () => {
    for (const argument of ["--version", "version"]) {
      const run = await runCli([argument]);
      expect(run).toEqual({ code: 0, stdout: `osac-vm ${version} (revision ${gitRevision(REPO_ROOT)})\n`, stderr: "" });
    }
  });

  it("GIVEN the sources (no build) THEN buildInfo reads package.json", () => {
    expect(buildInfo().version).toBe(version);
  });

  it("GIVEN --help THEN the usage names --version", async () => {
    expect((await runCli(["--help"])).stdout).toContain("'osac-vm --version' prints the version and the git revision");
  });
});

describe("gitRevision", () => {
  const git = (directory: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], { cwd: directory, encoding: "utf8" }).trim();

  it("GIVEN a directory outside git THEN the revision is 'unknown'", () => {
    expect(gitRevision(temporaryDirectory())).toBe("unknown");
  });

  it("GIVEN a clean checkout THEN the commit; GIVEN a changed tracked file THEN the commit with -dirty; untracked files do not count", () => {
    const directory = temporaryDirectory();
    git(directory, "init", "--quiet");
    writeFileSync(join(directory, "file"), "one\n");
    git(directory, "add", "file");
    git(directory, "commit", "--quiet", "-m", "one");
    const commit = git(directory, "rev-parse", "HEAD");
    writeFileSync(join(directory, "untracked"), "x\n");
    expect(gitRevision(directory)).toBe(commit);
    writeFileSync(join(directory, "file"), "two\n");
    expect(gitRevision(directory)).toBe(`${commit}-dirty`);
  });
});
