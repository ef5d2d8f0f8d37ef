#!/usr/bin/env node
// The git revision a build embeds (`osac-vm --version`, the image's revision label): OSAC_VM_REVISION
// when given (a build without .git, as in the Containerfile), else the commit of HEAD with
// `-dirty` when tracked files changed, else `unknown`. The TypeScript sources compute the same in
// src/platform/build-info.ts when they run unbuilt. Run directly, it prints the revision.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function buildRevision(root) {
  if (process.env.OSAC_VM_REVISION) return process.env.OSAC_VM_REVISION;
  const git = (args) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const commit = git(["rev-parse", "--verify", "HEAD"]);
    return git(["status", "--porcelain", "--untracked-files=no"]) === "" ? commit : `${commit}-dirty`;
  } catch {
    return "unknown";
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${buildRevision(join(dirname(fileURLToPath(import.meta.url)), ".."))}\n`);
}
