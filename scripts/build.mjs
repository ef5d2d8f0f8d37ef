#!/usr/bin/env node
// Compiles the sources to plain JavaScript in dist/js/ (esbuild): the CLI (`cli.js`, run by
// bin/osac-vm.js) and the library (`index.js`, the package's `exports`), our sources bundled into ES
// modules with one chunk per lazily imported part (each command, cdk8s rendering, each database
// backend), npm packages left external. The version and the git revision are embedded for
// `osac-vm --version`. With --types it also writes the declarations of the library into
// dist/types/ (tsc, ~20 s: `npm pack` runs it). It replaces only dist/js/ and dist/types/: the
// rest of dist/ (the image, a synth) is not its own (ADR 16).
// Runs from `npm ci` (the `prepare` script) and `npm run build`; the JavaScript takes about a second.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_DIR, STAMP_FILE, sourceStamp } from "../bin/build-stamp.js";
import { buildRevision } from "./revision.mjs";

const TYPES_DIR = "dist/types";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

async function buildJavaScript() {
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    // `npm ci --omit=dev` in a checkout runs `prepare` without the dev dependencies: say so, and
    // let bin/osac-vm.js explain what it needs when it runs.
    if (process.env.npm_lifecycle_event !== "prepare") throw new Error("esbuild is not installed: run 'npm ci' (it is a dev dependency)");
    process.stdout.write("osac-vm: esbuild (a dev dependency) is not installed: src/ was not compiled\n");
    process.exit(0);
  }
  const out = join(root, BUILD_DIR);
  // Taken before compiling: a source saved during the build makes the output count as stale.
  const stamp = sourceStamp(root);
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const info = { version, revision: buildRevision(root) };
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { cli: "src/cli/main.ts", index: "src/package/index.ts" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outdir: out,
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
    define: { OSAC_VM_BUILD_INFO: JSON.stringify(info) },
    logLevel: "warning",
  });
  writeFileSync(join(out, STAMP_FILE), `${JSON.stringify(stamp)}\n`);
  process.stdout.write(`osac-vm: compiled src/ (${stamp.files} files) into ${BUILD_DIR}/ (${info.version}, revision ${info.revision})\n`);
}

function buildTypes() {
  const out = join(root, TYPES_DIR);
  rmSync(out, { recursive: true, force: true });
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.types.json"], { cwd: root, stdio: "inherit" });
  const files = rewriteSpecifiers(out);
  process.stdout.write(`osac-vm: wrote the library's declarations (${files} files) into ${TYPES_DIR}/\n`);
}

/**
 * The sources import each other as `./x.ts` (run by tsx, checked with allowImportingTsExtensions);
 * tsc keeps those specifiers in declarations, which a consumer's compiler cannot follow to `x.d.ts`
 * under every module resolution. Relative `.ts` specifiers become `.js`, as for emitted code.
 */
function rewriteSpecifiers(directory) {
  let count = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']*?)\.ts\2/g, "$1$2$3.js$2"));
    count += 1;
  }
  return count;
}

await buildJavaScript();
if (process.argv.includes("--types")) buildTypes();
