// bin/osac-vm.js and bin/build-stamp.js in the layouts they meet: a checkout (sources, a build that
// may be stale) and an installed package (a build, no sources, no tsx).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_DIR, STAMP_FILE, buildIsCurrent, sourceStamp } from "../../../bin/build-stamp.js";
import { temporaryDirectory } from "../../support/cli.ts";

const REPO_ROOT = join(import.meta.dirname, "../../..");

/** A directory with bin/ of this repository and, optionally, sources and a build stamp. */
function layout(options: { sources: boolean; stamp?: "current" | "stale" }): string {
  const root = temporaryDirectory();
  cpSync(join(REPO_ROOT, "bin"), join(root, "bin"), { recursive: true });
  if (options.sources) {
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src/a.ts"), "export {};\n");
  }
  if (options.stamp) {
    mkdirSync(join(root, BUILD_DIR), { recursive: true });
    const stamp = options.sources ? sourceStamp(root) : { files: 0, newestMtimeMs: 0 };
    writeFileSync(join(root, BUILD_DIR, STAMP_FILE), JSON.stringify(stamp));
    if (options.stamp === "stale") utimesSync(join(root, "src/a.ts"), new Date(), new Date(Date.now() + 60_000));
  }
  return root;
}

const runBin = (root: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, "bin/osac-vm.js"), "--version"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });

describe("buildIsCurrent", () => {
  it("GIVEN a checkout THEN a build is current until a source is newer than its stamp", () => {
    expect(buildIsCurrent(layout({ sources: true, stamp: "current" }))).toBe(true);
    expect(buildIsCurrent(layout({ sources: true, stamp: "stale" }))).toBe(false);
    expect(buildIsCurrent(layout({ sources: true }))).toBe(false);
  });

  it("GIVEN an installed package (no src/) THEN any build is current, and none is not", () => {
    expect(buildIsCurrent(layout({ sources: false, stamp: "current" }))).toBe(true);
    expect(buildIsCurrent(layout({ sources: false }))).toBe(false);
  });
});

describe("bin/osac-vm.js without what it needs", () => {
  it("GIVEN a package without dist/js THEN it exits 2 saying the package has no compiled code", () => {
    const run = runBin(layout({ sources: false }));
    expect(run.stderr).toBe(`osac-vm: ${BUILD_DIR}/ is missing: this installation was packed without its compiled code\n`);
    expect(run.status).toBe(2);
  });

  it("GIVEN a package and OSAC_VM_RUNTIME=tsx THEN it exits 2: there are no sources to run", () => {
    const run = runBin(layout({ sources: false, stamp: "current" }), { OSAC_VM_RUNTIME: "tsx" });
    expect(run.stderr).toContain("OSAC_VM_RUNTIME=tsx needs the TypeScript sources");
    expect(run.status).toBe(2);
  });

  it("GIVEN sources with a stale build and no tsx installed THEN it exits 2 naming npm run build and npm ci", () => {
    const run = runBin(layout({ sources: true, stamp: "stale" }));
    expect(run.stderr).toContain("tsx (a dev dependency) is not installed: run 'npm run build', or 'npm ci' to install tsx");
    expect(run.status).toBe(2);
  });
});
