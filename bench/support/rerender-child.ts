/**
 * In-process re-render: one renderTree call over an existing output tree, timed alone with
 * performance.now() (module loading and process start-up excluded).
 *
 *   node --import tsx bench/support/rerender-child.ts <orders.yaml> <out dir>
 *
 * Prints `{"ms":…, "orderCount":…, "changed":[…], "removed":[…], "unchanged":…, "rendered":…, "filesRead":…}`.
 */
import { performance } from "node:perf_hooks";
import { renderTree } from "../../src/render/render-tree.ts";

const [input, outDir] = process.argv.slice(2);
if (!input || !outDir) {
  process.stderr.write("usage: rerender-child <orders.yaml> <out dir>\n");
  process.exit(2);
}
const started = performance.now();
const result = await renderTree({
  inputs: [input],
  outDir,
  check: false,
  options: { profile: "gitops", allowPlainSecrets: false },
});
const ms = performance.now() - started;
if (result.errors.length > 0 || !result.report) {
  process.stderr.write(`${result.errors.join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ ms, orderCount: result.orderCount, ...result.report })}\n`);
