// Test helper process: starts a control plane, prints its state as one JSON line on stdout, then
// idles until it is killed. Used by harness.test.ts to prove the teardown on signals.
//   tsx test/e2e/support/owner.ts <tmpBase>
import { startControlPlane } from "../../../scripts/cluster/harness.ts";

async function main(): Promise<void> {
  const cp = await startControlPlane({ tmpBase: process.argv[2], crdDirs: [], defaultStorageClass: false });
  const { stop: _stop, ...state } = cp;
  process.stdout.write(`${JSON.stringify(state)}\n`);
  setInterval(() => {}, 1 << 30);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
