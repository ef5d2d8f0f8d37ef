// Global setup of the chart suite (npm run test:chart): fails the run at once, with how to get
// helm, when helm 3 is missing. The tests never install it themselves.
import { ensureHelm } from "../e2e/support/chart-helm.ts";

export default async function setup(): Promise<void> {
  const version = await ensureHelm();
  process.stderr.write(`[chart] helm ${version}\n`);
}
