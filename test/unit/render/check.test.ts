import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderTree } from "../../../src/render/render-tree.ts";
import { orderDocument, PARITY_PARAMETERS } from "../../support/orders.ts";
import { snapshotTree, temporaryDirectory } from "../../support/cli.ts";
import { twoOrders, writeOrders } from "../../support/order-files.ts";

const NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
const options = { profile: "gitops", allowPlainSecrets: false } as const;

async function renderedTree() {
  const root = temporaryDirectory();
  const input = writeOrders(join(root, "in"), twoOrders());
  const out = join(root, "out");
  const first = await renderTree({ inputs: [input], outDir: out, check: false, options });
  expect(first.report?.changed).toHaveLength(4);
  const check = () => renderTree({ inputs: [input], outDir: out, check: true, options });
  return { root, input, out, check, file: join(out, NS, "vm-a.yaml") };
}

describe("render --check: trusts the input digest, verifies the bytes", () => {
  it("GIVEN an unchanged tree THEN it renders nothing, reports every file up to date and writes nothing", async () => {
    const { out, check } = await renderedTree();
    const before = snapshotTree(out);
    const result = await check();
    expect(result.report).toMatchObject({ changed: [], removed: [], unchanged: 4, rendered: 0 });
    expect(snapshotTree(out)).toEqual(before);
  });

  it("GIVEN one changed order THEN it renders only that order's file and reports it", async () => {
    const { root, out, check } = await renderedTree();
    writeOrders(join(root, "in"), [orderDocument({ ...PARITY_PARAMETERS, cpu_cores: "8" }, { name: "vm-a" }), twoOrders()[1]]);
    const before = snapshotTree(out);
    const result = await check();
    expect(result.report).toMatchObject({ changed: [`${NS}/vm-a.yaml`], rendered: 1, unchanged: 3 });
    expect(snapshotTree(out)).toEqual(before);
  });

  it.each([
    ["a body edit that keeps the length", (text: string) => text.replace("cores: 4", "cores: 5")],
    ["a body edit that changes the length", (text: string) => text.replace("cores: 4", "cores: 64")],
    ["an edit of the first comment line", (text: string) => text.replace("Do not edit", "Do edit")],
    ["a forged body digest", (text: string) => text.replace(/body=[0-9a-f]{4}/, "body=0000")],
    ["a line added above the header", (text: string) => `# reviewed\n${text}`],
    ["a document appended after the body", (text: string) => `${text}---\nkind: ConfigMap\n`],
  ])("GIVEN %s THEN it is reported as differing and rendered again to say so", async (_name, edit) => {
    const { out, check, file } = await renderedTree();
    const original = readFileSync(file, "utf8");
    const edited = edit(original);
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    const before = snapshotTree(out);
    const result = await check();
    expect(result.report).toMatchObject({ changed: [`${NS}/vm-a.yaml`], rendered: 1, unchanged: 3 });
    expect(snapshotTree(out)).toEqual(before);
  });

  it("GIVEN a same-length body edit THEN a plain render (size check only) keeps it, --check still catches it (ADR 4)", async () => {
    const { input, out, check, file } = await renderedTree();
    writeFileSync(file, readFileSync(file, "utf8").replace("cores: 4", "cores: 5"));
    const render = await renderTree({ inputs: [input], outDir: out, check: false, options });
    expect(render.report).toMatchObject({ changed: [], rendered: 0 });
    expect((await check()).report?.changed).toEqual([`${NS}/vm-a.yaml`]);
  });
});
