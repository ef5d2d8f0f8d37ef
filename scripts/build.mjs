#!/usr/bin/env node
// Compiles the CLI to plain JavaScript in build/ (esbuild, the one tsx brings): our sources bundled
// into ES modules, one chunk per lazily imported part (each command, cdk8s rendering, each
// database backend), npm packages left external. bin/osac-vm.js runs build/ when it is at least as
// new as every file under src/, and the TypeScript sources through tsx otherwise (ADR 1).
// Runs from `npm ci` (the `prepare` script) and `npm run build`; takes about a second.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_DIR, STAMP_FILE, sourceStamp } from "../bin/build-stamp.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const esbuild = await import("esbuild");
const out = join(root, BUILD_DIR);
// Taken before compiling: a source saved during the build makes the output count as stale.
const stamp = sourceStamp(root);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  outdir: out,
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: "linked",
  logLevel: "warning",
});
writeFileSync(join(out, STAMP_FILE), `${JSON.stringify(stamp)}\n`);
process.stdout.write(`osac-vm: compiled src/ (${stamp.files} files) into ${BUILD_DIR}/\n`);
