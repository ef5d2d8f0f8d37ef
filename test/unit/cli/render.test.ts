import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { tenantNamespace } from "../../../src/domain/tenant.ts";
import { orderDocument, PARITY_PARAMETERS } from "../../support/orders.ts";
import { runCli, snapshotTree, temporaryDirectory } from "../../support/cli.ts";
import { twoOrders, writeOrders } from "../../support/order-files.ts";

const NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
const OTHER = tenantNamespace("cloudkit-vm-orders", "other-tenant");

describe("osac-vm render", () => {
  it("GIVEN valid orders THEN it writes one file per order and one Namespace file per tenant namespace", async () => {
    const root = temporaryDirectory();
    const input = writeOrders(join(root, "in"), twoOrders());
    const out = join(root, "out");
    const run = await runCli(["render", "--in", input, "--out", out]);
    expect(run.code).toBe(0);
    const files = [...snapshotTree(out).keys()].filter((path) => !path.endsWith("/")).sort();
    expect(files).toEqual([
      `${OTHER}/_namespace.yaml`,
      `${OTHER}/vm-b.yaml`,
      `${NS}/_namespace.yaml`,
      `${NS}/vm-a.yaml`,
    ]);
    const objects = yaml.loadAll(readFileSync(join(out, NS, "vm-a.yaml"), "utf8")) as Array<{ kind: string }>;
    expect(objects.map((o) => o.kind)).toEqual(["Secret", "Secret", "DataVolume", "VirtualMachine", "Service"]);
    expect(run.stderr).toContain("Rendered 2 order(s)");
  });

  it("GIVEN the same input twice THEN the second run changes no byte and no mtime", async () => {
    const root = temporaryDirectory();
    const input = writeOrders(join(root, "in"), twoOrders());
    const out = join(root, "out");
    await runCli(["render", "--in", input, "--out", out]);
    const before = snapshotTree(out);
    const run = await runCli(["render", "--in", input, "--out", out]);
    expect(run.code).toBe(0);
    expect(snapshotTree(out)).toEqual(before);
    expect(run.stderr).toContain("0 written, 0 removed, 4 unchanged");
  });

  it("GIVEN one changed order THEN only its file is rewritten", async () => {
    const root = temporaryDirectory();
    const orders = twoOrders();
    const input = writeOrders(join(root, "in"), orders);
    const out = join(root, "out");
    await runCli(["render", "--in", input, "--out", out]);
    const before = snapshotTree(out);
    orders[0] = orderDocument({ ...PARITY_PARAMETERS, cpu_cores: "8" }, { name: "vm-a" });
    writeOrders(join(root, "in"), orders);
    const run = await runCli(["render", "--in", input, "--out", out]);
    expect(run.code).toBe(0);
    const after = snapshotTree(out);
    const changed = [...after.keys()].filter((path) => after.get(path)!.content !== before.get(path)?.content);
    expect(changed).toEqual([`${NS}/vm-a.yaml`]);
    for (const path of after.keys()) if (path !== `${NS}/vm-a.yaml`) expect(after.get(path)).toEqual(before.get(path));
    expect(after.get(`${NS}/vm-a.yaml`)!.content).toContain("cores: 8");
  });

  it("GIVEN a removed order THEN its file (and its emptied tenant directory) go, other files stay untouched", async () => {
    const root = temporaryDirectory();
    const orders = twoOrders();
    const input = writeOrders(join(root, "in"), orders);
    const out = join(root, "out");
    await runCli(["render", "--in", input, "--out", out]);
    writeFileSync(join(out, "README.md"), "hand-written\n");
    writeFileSync(join(out, NS, "kustomization.yaml"), "resources: []\n");
    writeOrders(join(root, "in"), [orders[0]]);
    const run = await runCli(["render", "--in", input, "--out", out]);
    expect(run.code).toBe(0);
    expect(existsSync(join(out, OTHER))).toBe(false);
    expect(readFileSync(join(out, "README.md"), "utf8")).toBe("hand-written\n");
    expect(readFileSync(join(out, NS, "kustomization.yaml"), "utf8")).toBe("resources: []\n");
    expect(existsSync(join(out, NS, "vm-a.yaml"))).toBe(true);
  });

  it("GIVEN a rendered file edited by hand THEN the next render restores it", async () => {
    const root = temporaryDirectory();
    const input = writeOrders(join(root, "in"), twoOrders());
    const out = join(root, "out");
    await runCli(["render", "--in", input, "--out", out]);
    const path = join(out, NS, "vm-a.yaml");
    const original = readFileSync(path, "utf8");
    writeFileSync(path, original.replace("cores: 4", "cores: 64"));
    await runCli(["render", "--in", input, "--out", out]);
    expect(readFileSync(path, "utf8")).toBe(original);
  });

  it("GIVEN input on stdin THEN it renders it", async () => {
    const out = join(temporaryDirectory(), "out");
    const run = await runCli(["render", "--in", "-", "--out", out], { stdin: yaml.dump(twoOrders()[0]) });
    expect(run.code).toBe(0);
    expect(existsSync(join(out, NS, "vm-a.yaml"))).toBe(true);
  });

  describe("on invalid input", () => {
    async function expectUntouched(args: (input: string, out: string) => string[], documents: unknown[] | string) {
      const root = temporaryDirectory();
      const input = join(root, "in");
      if (typeof documents === "string") {
        mkdirSync(input, { recursive: true });
        writeFileSync(join(input, "orders.yaml"), documents);
      } else writeOrders(input, documents);
      const good = writeOrders(join(root, "good"), twoOrders());
      const out = join(root, "out");
      await runCli(["render", "--in", good, "--out", out]);
      writeFileSync(join(out, "notes.txt"), "keep\n");
      const before = snapshotTree(out);
      const run = await runCli(args(input, out));
      expect(snapshotTree(out)).toEqual(before);
      return run;
    }

    it("GIVEN one bad order among good ones THEN exit 2, every error printed as file:document: field: message, nothing written", async () => {
      const run = await expectUntouched((input, out) => ["render", "--in", input, "--out", out], [
        orderDocument({ cpu_cores: "4" }, { name: "vm-new" }),
        orderDocument({ cpu_cores: "0", exposed_ports: "22/tcp,99999/tcp" }, { name: "vm-bad" }),
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/orders\.yaml:2: spec\.templateParameters\.cpu_cores: .*\(got "0"\)/);
      expect(run.stderr).toMatch(/orders\.yaml:2: spec\.templateParameters\.exposed_ports: .*99999/);
      expect(run.stderr).toContain("nothing was written");
    });

    it("GIVEN a YAML syntax error THEN exit 2 with the file and line", async () => {
      const run = await expectUntouched((input, out) => ["render", "--in", input, "--out", out], "kind: [unclosed\n");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/orders\.yaml: YAML syntax error at line \d+/);
    });

    it("GIVEN a path that does not exist THEN exit 2 naming it", async () => {
      const run = await expectUntouched((_input, out) => ["render", "--in", "/nonexistent/orders", "--out", out], []);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("/nonexistent/orders: cannot read: ENOENT");
    });

    it("GIVEN the same order twice THEN exit 2 naming both places", async () => {
      const run = await expectUntouched((input, out) => ["render", "--in", input, "--out", out], [twoOrders()[0], twoOrders()[0]]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/orders\.yaml:2: metadata\.name: order cloudkit-vm-orders\/vm-a is already defined at .*orders\.yaml:1/);
    });

    it("GIVEN custom cloud-init in the gitops profile THEN exit 2 unless --allow-plain-secrets, and the secret is never printed", async () => {
      const userData = Buffer.from("#cloud-config\npassword: hunter2\n").toString("base64");
      const documents = [orderDocument({ cloud_init_config: userData }, { name: "vm-ci" })];
      const refused = await expectUntouched((input, out) => ["render", "--in", input, "--out", out], documents);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("--allow-plain-secrets");
      expect(refused.stderr + refused.stdout).not.toContain(userData);

      const root = temporaryDirectory();
      const input = writeOrders(join(root, "in"), documents);
      const allowed = await runCli(["render", "--in", input, "--out", join(root, "out"), "--allow-plain-secrets"]);
      expect(allowed.code).toBe(0);
      expect(readFileSync(join(root, "out", NS, "vm-ci.yaml"), "utf8")).toContain(`userData: ${userData}`);
      const parity = await runCli(["render", "--in", input, "--out", join(root, "parity"), "--profile", "aap-parity"]);
      expect(parity.code).toBe(0);
    });

    it.each([
      [["render"], "--in is required"],
      [["render", "--in", "x"], "--out is required"],
      [["render", "--in", "x", "--out", "y", "--profile", "helm"], "--profile 'helm' is not known; use one of gitops, aap-parity"],
      [["render", "--bogus"], "Unknown option '--bogus'"],
      [["frobnicate"], "unknown command 'frobnicate'"],
    ])("GIVEN arguments %j THEN exit 2 saying %s", async (args, message) => {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });

  describe("--check", () => {
    it("GIVEN fresh output THEN exit 0; GIVEN stale output THEN exit 1 listing the files, writing nothing", async () => {
      const root = temporaryDirectory();
      const orders = twoOrders();
      const input = writeOrders(join(root, "in"), orders);
      const out = join(root, "out");
      await runCli(["render", "--in", input, "--out", out]);
      const fresh = await runCli(["render", "--in", input, "--out", out, "--check"]);
      expect(fresh.code).toBe(0);
      expect(fresh.stdout).toBe("");

      writeOrders(join(root, "in"), [orderDocument({ ...PARITY_PARAMETERS, memory: "8Gi" }, { name: "vm-a" })]);
      const before = snapshotTree(out);
      const stale = await runCli(["render", "--in", input, "--out", out, "--check"]);
      expect(stale.code).toBe(1);
      expect(stale.stdout.trim().split("\n")).toEqual([
        `differs: ${NS}/vm-a.yaml`,
        `stale: ${OTHER}/_namespace.yaml`,
        `stale: ${OTHER}/vm-b.yaml`,
      ]);
      expect(snapshotTree(out)).toEqual(before);
    });

    it("GIVEN a hand edit that keeps the header THEN --check still sees it", async () => {
      const root = temporaryDirectory();
      const input = writeOrders(join(root, "in"), twoOrders());
      const out = join(root, "out");
      await runCli(["render", "--in", input, "--out", out]);
      const path = join(out, NS, "vm-a.yaml");
      writeFileSync(path, readFileSync(path, "utf8").replace("tcp-22", "tcp-2222"));
      const run = await runCli(["render", "--in", input, "--out", out, "--check"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`differs: ${NS}/vm-a.yaml`);
    });
  });
});
