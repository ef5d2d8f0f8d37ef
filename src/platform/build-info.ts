import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What `osac-vm --version` reports. */
export interface BuildInfo {
  /** The package's semver version (package.json). */
  readonly version: string;
  /** The git commit the code was built from (`-dirty` when the tree had uncommitted changes), or `unknown`. */
  readonly revision: string;
}

/** Replaced by scripts/build.mjs (esbuild `define`) with the facts of the build; absent in the sources. */
declare const OSAC_VM_BUILD_INFO: BuildInfo | undefined;

export const UNKNOWN_REVISION = "unknown";

/**
 * The compiled code reports what was embedded when it was built (the package and the image have
 * no .git). The TypeScript sources, run through tsx in a checkout, read the checkout itself.
 */
export function buildInfo(): BuildInfo {
  if (typeof OSAC_VM_BUILD_INFO !== "undefined") return OSAC_VM_BUILD_INFO;
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string };
  return { version, revision: gitRevision(root) };
}

/** `git rev-parse HEAD` of `directory`, `-dirty` appended when tracked files changed; `unknown` outside git. */
export function gitRevision(directory: string): string {
  const git = (args: string[]) => execFileSync("git", args, { cwd: directory, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const commit = git(["rev-parse", "--verify", "HEAD"]);
    return git(["status", "--porcelain", "--untracked-files=no"]) === "" ? commit : `${commit}-dirty`;
  } catch {
    // Not a git checkout, or git is not installed: nothing to report.
    return UNKNOWN_REVISION;
  }
}
