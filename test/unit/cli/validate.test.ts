import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { orderDocument } from "../../support/orders.ts";
import { runCli, temporaryDirectory } from "../../support/cli.ts";
import { twoOrders, writeOrders } from "../../support/order-files.ts";

const CUSTOM_USER_DATA = Buffer.from("#cloud-config\npassword: hunter2\n").toString("base64");

describe("osac-vm validate", () => {
  it("GIVEN valid orders THEN exit 0, nothing on stdout", async () => {
    const input = writeOrders(temporaryDirectory(), twoOrders());
    const run = await runCli(["validate", input]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("2 order(s) valid for render --profile gitops");
  });

  it("GIVEN invalid orders in two files THEN every error goes to stderr as file:document: field: message and exit 2", async () => {
    const root = temporaryDirectory();
    const first = writeOrders(root, [orderDocument({ memory: "lots" }, { name: "vm-a" })], "a.yaml");
    const second = writeOrders(root, [twoOrders()[0], orderDocument({ colour: "red" }, { name: "vm-c" })], "b.yaml");
    const run = await runCli(["validate", first, second]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n").filter((line) => !line.startsWith("warning: "));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${first}:1: spec\\.templateParameters\\.memory: .*\\(got "lots"\\)$`));
    expect(lines[1]).toMatch(new RegExp(`^${second}:2: spec\\.templateParameters\\.colour: template parameter 'colour' doesn't exist`));
    expect(lines[2]).toBe("osac-vm validate: 2 error(s)");
  });

  it("GIVEN a directory THEN it reads YAML and JSON files recursively, in sorted order", async () => {
    const root = temporaryDirectory();
    writeOrders(join(root, "z"), [orderDocument({}, { name: "vm-z" })]);
    mkdirSync(join(root, "a"), { recursive: true });
    writeFileSync(join(root, "a", "order.json"), JSON.stringify(orderDocument({ cpu_cores: "x" }, { name: "vm-j" })));
    writeFileSync(join(root, "a", "ignored.txt"), "not an order");
    const run = await runCli(["validate", root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/a\/order\.json:1: spec\.templateParameters\.cpu_cores/);
  });

  it("GIVEN --in instead of positional paths THEN the same", async () => {
    const input = writeOrders(temporaryDirectory(), twoOrders());
    const run = await runCli(["validate", "--in", input]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("2 order(s) valid");
  });

  it.each([
    [["validate"], "at least one path is required"],
    [["validate", "x", "--profile", "helm"], "--profile 'helm' is not known; use one of gitops, aap-parity"],
    [["validate", "--bogus"], "Unknown option '--bogus'"],
  ])("GIVEN arguments %j THEN exit 2 saying %s on stderr", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
  });
});

describe("validate and render agree", () => {
  const cases: Array<[string, unknown[], string[]]> = [
    ["valid orders, gitops", twoOrders(), []],
    ["valid orders, aap-parity", twoOrders(), ["--profile", "aap-parity"]],
    ["own cloud-init, gitops", [orderDocument({ cloud_init_config: CUSTOM_USER_DATA }, { name: "vm-ci" })], []],
    ["own cloud-init, gitops, --allow-plain-secrets", [orderDocument({ cloud_init_config: CUSTOM_USER_DATA }, { name: "vm-ci" })], ["--allow-plain-secrets"]],
    ["own cloud-init, aap-parity", [orderDocument({ cloud_init_config: CUSTOM_USER_DATA }, { name: "vm-ci" })], ["--profile", "aap-parity"]],
    ["an invalid parameter", [orderDocument({ cpu_cores: "0" }, { name: "vm-bad" })], []],
    ["the same order twice", [twoOrders()[0], twoOrders()[0]], []],
    ["an unknown profile", twoOrders(), ["--profile", "helm"]],
    ["a default storage class", twoOrders(), ["--default-storage-class", "fast"]],
  ];

  it.each(cases)("GIVEN %s THEN both reach the same verdict with the same errors", async (_name, documents, options) => {
    const root = temporaryDirectory();
    const input = writeOrders(join(root, "in"), documents);
    const validate = await runCli(["validate", input, ...options]);
    const render = await runCli(["render", "--in", input, "--out", join(root, "out"), ...options]);
    expect(validate.code).toBe(render.code);
    expect([0, 2]).toContain(validate.code);
    const errorLines = (stderr: string) =>
      stderr
        .split("\n")
        .filter((line) => line.startsWith(input) || line.includes("is not known"))
        .map((line) => line.replace(/^osac-vm \w+: /, ""));
    expect(errorLines(validate.stderr)).toEqual(errorLines(render.stderr));
    expect(validate.stderr + render.stderr).not.toContain(CUSTOM_USER_DATA);
  });

  it("GIVEN the README's custom cloud-init case THEN validate refuses it like render, and accepts it with --allow-plain-secrets", async () => {
    const input = writeOrders(temporaryDirectory(), [orderDocument({ cloud_init_config: CUSTOM_USER_DATA }, { name: "vm-ci" })]);
    const refused = await runCli(["validate", input]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("spec.templateParameters.cloud_init_config: the gitops profile does not write cloud-init user data");
    expect((await runCli(["validate", input, "--allow-plain-secrets"])).code).toBe(0);
  });
});

describe("input paths are read once", () => {
  it.each([
    ["the same file twice", (file: string) => [file, file]],
    ["a file and its directory", (file: string) => [file, join(file, "..")]],
    ["a directory and a file in it, spelled differently", (file: string) => [join(file, ".."), `${join(file, "..")}/./orders.yaml`]],
    ["a file and a symbolic link to it", (file: string) => {
      const link = join(file, "..", "..", "link.yaml");
      symlinkSync(file, link);
      return [file, link];
    }],
  ])("GIVEN %s THEN no duplicate-order error, for validate and render", async (_name, paths) => {
    const root = temporaryDirectory();
    const file = writeOrders(join(root, "in"), twoOrders());
    const inputs = paths(file);
    const validate = await runCli(["validate", ...inputs]);
    expect(validate.stderr).not.toContain("already defined");
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain("2 order(s) valid");
    const render = await runCli(["render", ...inputs.flatMap((path) => ["--in", path]), "--out", join(root, "out")]);
    expect(render.code).toBe(0);
    expect(render.stderr).toContain("Rendered 2 order(s)");
  });

  it("GIVEN stdin twice THEN it is read once", async () => {
    const input = writeOrders(temporaryDirectory(), twoOrders());
    let reads = 0;
    let stderr = "";
    const code = await main(["validate", "-", "-"], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      readStdin: () => (reads++, readFileSync(input, "utf8")),
    });
    expect(code).toBe(0);
    expect(reads).toBe(1);
    expect(stderr).toContain("2 order(s) valid");
  });
});
