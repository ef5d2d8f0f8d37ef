// One version for the npm package, the chart's appVersion (the image tag it pulls) and the
// changelog; a public manifest whose exports point at what scripts/build.mjs writes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { BUILD_DIR } from "../../../bin/build-stamp.js";

const REPO_ROOT = join(import.meta.dirname, "../../..");
const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
const manifest = JSON.parse(read("package.json")) as Record<string, any>;

describe("release metadata", () => {
  it("GIVEN package.json THEN its version is semver and equals the chart's appVersion and the changelog's newest entry", () => {
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    const chart = yaml.load(read("charts/osac-vm-gitops/Chart.yaml")) as { appVersion: string };
    expect(chart.appVersion).toBe(manifest.version);
    const newest = /^## (\S+)/m.exec(read("CHANGELOG.md"));
    expect(newest?.[1]).toBe(manifest.version);
  });

  it("GIVEN package.json THEN the package is public, with bin osac-vm, and exports and types at the build's output", () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ "osac-vm": "bin/osac-vm.js" });
    const typesConfig = JSON.parse(read("tsconfig.types.json").replace(/^\s*\/\/.*$/gm, "")) as { compilerOptions: { outDir: string }; files: string[] };
    const declarations = `./${typesConfig.compilerOptions.outDir}/${typesConfig.files[0]!.replace(/^src\//, "").replace(/\.ts$/, ".d.ts")}`;
    expect(manifest.exports["."]).toEqual({ types: declarations, default: `./${BUILD_DIR}/index.js` });
    expect(manifest.types).toBe(declarations);
  });

  it("GIVEN the files allow-list THEN it names only the entry point, the build's output and the changelog", () => {
    expect(manifest.files).toEqual(["bin/osac-vm.js", "bin/build-stamp.js", "bin/build-stamp.d.ts", `${BUILD_DIR}/`, "dist/types/", "CHANGELOG.md"]);
  });

  it("GIVEN the dependencies THEN the run time needs no TypeScript tooling (tsx and esbuild are dev dependencies)", () => {
    for (const tool of ["tsx", "esbuild", "typescript"]) {
      expect(Object.keys(manifest.dependencies)).not.toContain(tool);
      expect(Object.keys(manifest.devDependencies)).toContain(tool);
    }
  });
});
