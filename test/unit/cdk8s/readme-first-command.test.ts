import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../support/cli.ts";

const PROJECT = join(import.meta.dirname, "../../..");

/** The synth command from the README's first code block (`npm ci && <this>  # …`). */
function readmeSynthCommand(): { command: string; line: string } {
  const readme = readFileSync(join(PROJECT, "README.md"), "utf8");
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no ```sh block");
  const line = block.split("\n").find((text) => text.includes("synth"));
  if (!line) throw new Error("README.md's first ```sh block has no synth command");
  const command = line.replace(/#.*$/, "").split("&&").map((part) => part.trim()).find((part) => part.includes("synth"))!;
  return { command, line };
}

/**
 * A copy of the project to run the command in, so its output directory (which cdk8s deletes
 * first) is the copy's: the files cdk8s reads, the rest linked.
 */
function projectCopy(): string {
  const copy = temporaryDirectory();
  for (const file of ["package.json", "cdk8s.yaml", "tsconfig.json"]) copyFileSync(join(PROJECT, file), join(copy, file));
  for (const directory of ["node_modules", "src", "cdk8s", "examples", "crds"]) symlinkSync(join(PROJECT, directory), join(copy, directory));
  return copy;
}

describe("the README's first command", () => {
  it("GIVEN a fresh home directory and no CDK8S_* settings THEN it renders the examples into rendered/ with no stack trace and no upgrade notice", () => {
    const { command, line } = readmeSynthCommand();
    expect(line).toContain("rendered/");
    const copy = projectCopy();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("CDK8S_")) env[key] = value;
    // A fresh HOME: no ~/.cdk8s-cli.version cache that would hide cdk8s-cli's upgrade check.
    Object.assign(env, { HOME: temporaryDirectory(), npm_config_update_notifier: "false" });
    const run = spawnSync("sh", ["-c", command], { cwd: copy, env, encoding: "utf8", timeout: 120_000 });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/Error/);
    expect(output).not.toContain("A new version");
    expect(output).not.toContain("undefined");
    expect(output).toContain("Rendered 4 example order(s) into rendered");
    expect(existsSync(join(copy, "rendered", "cloudkit-vm-orders-ntfv23cm4rd2e", "vm-x7k2q.yaml"))).toBe(true);
  }, 180_000);
});
