/**
 * The cdk8s app: renders the example orders with the default (gitops) profile into the directory
 * cdk8s gives (CDK8S_OUTDIR, `dist/` by default), through the same code path as `osac-vm render`.
 */
import { renderTree } from "../src/render/render-tree.ts";
import { DEFAULT_PROFILE } from "../src/render/profile.ts";

const outDir = process.env.CDK8S_OUTDIR ?? "dist";
const result = await renderTree({
  inputs: ["examples/orders"],
  outDir,
  check: false,
  options: { profile: DEFAULT_PROFILE, allowPlainSecrets: false },
});
for (const error of result.errors) console.error(error);
if (result.errors.length > 0) process.exit(2);
console.error(`Rendered ${result.orderCount} example order(s) into ${outDir}`);
