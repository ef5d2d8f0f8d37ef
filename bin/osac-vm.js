#!/usr/bin/env node
// The osac-vm command. Runs the compiled JavaScript in build/ (`npm ci` and `npm run build` make
// it) when it is current with src/, otherwise the TypeScript sources through tsx, so no build step
// is ever required (ADR 1). tsx costs ~100 MB of RSS in a long-running process (its loader thread
// and transforms): the controller and webhook pods run the compiled code.
// OSAC_VM_RUNTIME=tsx forces the sources; OSAC_VM_RUNTIME=build requires a current build.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BUILD_DIR, buildIsCurrent } from "./build-stamp.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wanted = process.env.OSAC_VM_RUNTIME;
const compiled = wanted !== "tsx" && buildIsCurrent(root);
if (wanted === "build" && !compiled) {
  process.stderr.write(`osac-vm: OSAC_VM_RUNTIME=build, but ${BUILD_DIR}/ is missing or older than src/: run 'npm run build'\n`);
  process.exit(2);
}
let main;
if (compiled) {
  ({ main } = await import(pathToFileURL(join(root, BUILD_DIR, "main.js")).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
