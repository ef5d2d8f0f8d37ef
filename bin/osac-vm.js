#!/usr/bin/env node
// The osac-vm command. Runs the compiled JavaScript in dist/js/ (`npm ci` and `npm run build` make
// it) when it is current with src/, otherwise the TypeScript sources through tsx, so no build step
// is ever required in a checkout (ADR 1). tsx costs ~100 MB of RSS in a long-running process (its
// loader thread and transforms): the controller and webhook pods run the compiled code. The npm
// package and the container image have no src/ and no tsx: they run dist/js/ only (ADR 16).
// OSAC_VM_RUNTIME=tsx forces the sources; OSAC_VM_RUNTIME=build requires a current build.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BUILD_DIR, buildIsCurrent, hasSources } from "./build-stamp.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wanted = process.env.OSAC_VM_RUNTIME;
const compiled = wanted !== "tsx" && buildIsCurrent(root);
const refuse = (message) => {
  process.stderr.write(`osac-vm: ${message}\n`);
  process.exit(2);
};
if (wanted === "build" && !compiled) refuse(`OSAC_VM_RUNTIME=build, but ${BUILD_DIR}/ is missing or older than src/: run 'npm run build'`);
if (!compiled && !hasSources(root)) {
  refuse(wanted === "tsx" ? "OSAC_VM_RUNTIME=tsx needs the TypeScript sources (a checkout); this installation has only compiled code" : `${BUILD_DIR}/ is missing: this installation was packed without its compiled code`);
}
let main;
if (compiled) {
  ({ main } = await import(pathToFileURL(join(root, BUILD_DIR, "cli.js")).href));
} else {
  let tsx;
  try {
    tsx = await import("tsx/esm/api");
  } catch {
    refuse(`${BUILD_DIR}/ is missing or older than src/, and tsx (a dev dependency) is not installed: run 'npm run build', or 'npm ci' to install tsx`);
  }
  tsx.register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
