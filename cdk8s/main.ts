/**
 * The cdk8s app: renders the example orders with the default (gitops) profile into the directory
 * cdk8s gives (CDK8S_OUTDIR, `rendered/` by default), through the same code path as
 * `osac-vm render`, removal guard included. `cdk8s synth` deletes its output directory before it
 * runs this app, so under synth the guard sees an empty tree: that directory is cdk8s's scratch
 * output, never a tree to keep (docs/adr/0014-render-safety.md).
 */
import { renderTree } from "../src/render/render-tree.ts";
import { DEFAULT_PROFILE } from "../src/render/profile.ts";
import { describeRefusal } from "../src/render/tree/removal-guard.ts";

const outDir = process.env.CDK8S_OUTDIR ?? "rendered";
const result = await renderTree({
  inputs: ["examples/orders"],
  outDir,
  check: false,
  options: { profile: DEFAULT_PROFILE, allowPlainSecrets: false },
});
for (const error of result.errors) console.error(error);
if (result.errors.length > 0) process.exit(2);
if (result.removals && !result.removals.allowed) {
  console.error(`${describeRefusal(result.removals, outDir).join("\n")}\nNothing was written; render into a new directory, or use 'osac-vm render --allow-mass-removal'.`);
  process.exit(2);
}
console.error(`Rendered ${result.orderCount} example order(s) into ${outDir}`);
