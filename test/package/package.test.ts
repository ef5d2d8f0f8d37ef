// The npm package as a user gets it: `npm pack` of this checkout (compiled JavaScript, declarations,
// nothing else), installed into a fresh project in the system's temporary directory — outside
// this repository, so nothing resolves from its node_modules — with the registry for the
// dependencies; then the CLI through npx, a three-line cdk8s app, and its types.
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, parse, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitRevision } from "../../src/platform/build-info.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The environment without what `npm run` adds (npm_config_local_prefix would point npm back here). */
function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")));
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: cleanEnvironment(extra), maxBuffer: 64 * 1024 * 1024 });
}

function succeed(command: string, args: string[], cwd: string): string {
  const result = run(command, args, cwd);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

let workspace: string;
let packed: PackResult;
let tarball: string;
let project: string;

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "osac-vm-package-test-"));
  // npm pack prints the build's own lines before its JSON report.
  const report = succeed("npm", ["pack", "--json", "--pack-destination", workspace], REPO_ROOT);
  packed = (JSON.parse(report.slice(report.indexOf("[\n"))) as PackResult[])[0]!;
  tarball = join(workspace, packed.filename);
  project = join(workspace, "rendered-repository");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "rendered-repository", private: true, type: "module" }, null, 2)}\n`);
  const cdk8s = `cdk8s@${manifest.dependencies.cdk8s}`;
  const constructs = `constructs@${manifest.dependencies.constructs}`;
  // @types/node: the declarations mention Node's types (an optional peer), as a TypeScript cdk8s app has them.
  const nodeTypes = `@types/node@${manifest.devDependencies["@types/node"]}`;
  succeed("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball, cdk8s, constructs, nodeTypes], project);
});

afterAll(() => {
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("GIVEN npm pack THEN it holds only the entry point, compiled JavaScript, declarations, the documents and the licence (allow-list)", () => {
    const paths = packed.files.map((file) => file.path);
    const allowed = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|bin\/(osac-vm\.js|build-stamp\.js|build-stamp\.d\.ts)|dist\/js\/[\w/-]+\.(js|js\.map)|dist\/js\/stamp\.json|dist\/types\/[\w/.-]+\.d\.ts)$/;
    expect(paths.filter((path) => !allowed.test(path))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(["bin/osac-vm.js", "dist/js/cli.js", "dist/js/index.js", "dist/types/package/index.d.ts", "CHANGELOG.md", "LICENSE"]));
  });

  it("GIVEN the unpacked files THEN none holds a private key, and the manifest is public with bin, exports and types", () => {
    const unpacked = join(workspace, "unpacked");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", tarball, "-C", unpacked]);
    const keyLike = run("grep", ["-rlE", "BEGIN ([A-Z]+ )?PRIVATE KEY", unpacked], unpacked);
    expect(keyLike.stdout).toBe("");
    const published = JSON.parse(readFileSync(join(unpacked, "package/package.json"), "utf8")) as Record<string, unknown>;
    expect(published.private).toBeUndefined();
    expect(published.bin).toEqual({ "osac-vm": "bin/osac-vm.js" });
    expect(published.exports).toEqual({
      ".": { types: "./dist/types/package/index.d.ts", default: "./dist/js/index.js" },
      "./package.json": "./package.json",
    });
    expect(Object.keys(published.dependencies as object)).not.toContain("tsx");
  });
});

describe("the package installed in a fresh project", () => {
  const npx = (args: string[], extra: Record<string, string> = {}) => run("npx", ["--no-install", "osac-vm-gitops", ...args], project, extra);

  it("GIVEN the project THEN nothing in it or above it resolves from this repository's node_modules", () => {
    for (let directory = project; ; directory = dirname(directory)) {
      if (directory !== project) expect(existsSync(join(directory, "node_modules"))).toBe(false);
      if (directory === parse(directory).root) break;
    }
    expect(run("node", ["-e", "require.resolve('tsx')"], project).status).not.toBe(0);
    expect(existsSync(join(project, "node_modules/osac-vm-gitops/src"))).toBe(false);
  });

  it("GIVEN npx osac-vm-gitops --version THEN it prints the version and the revision embedded when this checkout was packed", () => {
    const version = npx(["--version"]);
    expect(version.stdout).toBe(`osac-vm ${manifest.version} (revision ${gitRevision(REPO_ROOT)})\n`);
    expect(version.status).toBe(0);
  });

  it("GIVEN OSAC_VM_RUNTIME=tsx THEN the package refuses it (it ships no sources) with exit 2", () => {
    const forced = npx(["--version"], { OSAC_VM_RUNTIME: "tsx" });
    expect(forced.stderr).toContain("OSAC_VM_RUNTIME=tsx needs the TypeScript sources");
    expect(forced.status).toBe(2);
  });

  it("GIVEN orders in the repository THEN npx osac-vm-gitops render writes rendered/, and render --check passes, then fails after an edit", () => {
    cpSync(join(REPO_ROOT, "examples/orders"), join(project, "orders"), { recursive: true });
    const render = npx(["render", "--in", "orders", "--out", "rendered"]);
    expect(render.stderr).toContain(`Rendered 4 order(s) into ${join(project, "rendered")}`);
    expect(render.status).toBe(0);
    expect(npx(["render", "--in", "orders", "--out", "rendered", "--check"]).status).toBe(0);
    const file = join(project, "rendered/cloudkit-vm-orders-ntfv23cm4rd2e/vm-x7k2q.yaml");
    const committed = readFileSync(file, "utf8");
    const edited = committed.replace("runStrategy: Always", "runStrategy: Halted");
    expect(edited).not.toBe(committed);
    writeFileSync(file, edited);
    const check = npx(["render", "--in", "orders", "--out", "rendered", "--check"]);
    expect(check.status).toBe(1);
    expect(`${check.stdout}${check.stderr}`).toContain("cloudkit-vm-orders-ntfv23cm4rd2e/vm-x7k2q.yaml");
  });

  it("GIVEN a three-line cdk8s app that imports VmOrder THEN cdk8s synthesises the order's objects", () => {
    const order = readFileSync(join(REPO_ROOT, "examples/orders/orders.yaml"), "utf8").split(/^---$/m)[0]!;
    writeFileSync(join(project, "order.yaml"), order);
    writeFileSync(
      join(project, "app.mjs"),
      [
        `import { App, Chart, Yaml } from "cdk8s"; import { VmOrder, parseOrder } from "osac-vm-gitops";`,
        `const app = new App();`,
        `new VmOrder(new Chart(app, "vms"), "vm-x7k2q", { order: parseOrder(Yaml.load("order.yaml")[0]), profile: "gitops" }); app.synth();`,
      ].join("\n"),
    );
    const synth = run("node", ["app.mjs"], project);
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    const objects = readFileSync(join(project, "dist/vms.k8s.yaml"), "utf8");
    for (const kind of ["Secret", "DataVolume", "VirtualMachine", "Service"]) expect(objects).toContain(`kind: ${kind}\n`);
    expect(objects).toContain("name: vm-x7k2q\n");
  });

  it("GIVEN the same app in TypeScript THEN it type-checks against the package's declarations, which reject a wrong profile", () => {
    writeFileSync(
      join(project, "app.ts"),
      [
        `import { App, Chart } from "cdk8s";`,
        `import { VmOrder, parseOrder, type Order } from "osac-vm-gitops";`,
        `const order: Order = parseOrder({});`,
        `new VmOrder(new Chart(new App(), "vms"), "vm", { order, profile: "gitops" });`,
        `// @ts-expect-error the profile is "gitops" or "aap-parity"`,
        `new VmOrder(new Chart(new App(), "other"), "vm", { order, profile: "kubevirt" });`,
      ].join("\n"),
    );
    const options = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: ["node"], skipLibCheck: false };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["app.ts"] }));
    // The compiler is a tool run on the project: it resolves the project's imports from the project.
    const tsc = run("node", [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
    expect(tsc.stdout).toBe("");
    expect(tsc.status).toBe(0);
  });
});
