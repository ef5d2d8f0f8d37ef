// Regenerates the typed cdk8s classes in src/render/imports/ from this project's schema files.
// Offline: cdk8s import reads local files; the upgrade check is turned off.
import { execFileSync } from "node:child_process";

const schemas = [
  "crds/upstream-subset/kubevirt.io_virtualmachines.yaml",
  "crds/upstream-subset/cdi.kubevirt.io_datavolumes.yaml",
];
for (const schema of schemas) {
  execFileSync("npx", ["cdk8s", "import", schema, "--language", "typescript", "--output", "src/render/imports"], {
    stdio: "inherit",
    env: { ...process.env, CDK8S_CHECK_UPGRADE: "false" },
  });
}
