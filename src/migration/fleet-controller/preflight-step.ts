import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { runLiveDiff } from "../live-diff.ts";
import { readOrders } from "../live/fleet-reader.ts";
import type { RolloutStrategy } from "../restart/rollout-strategy.ts";
import { preflightOutcome } from "../fleet/preflight.ts";
import { planBatches, selectByPercentage, selectorText } from "../fleet/selection.ts";
import type { StepOutcome } from "../fleet/outcome.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { immutableDataVolumeRefusals } from "./gitops-preflight.ts";

export interface PreflightOptions {
  /** `--rollout-strategy`: else read from the KubeVirt CR, as diff --live does. */
  readonly rolloutStrategy?: RolloutStrategy;
  /** CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: the role's class for orders without storage_class. */
  readonly storageClassEnv?: string;
}

/**
 * Preflight: the selected orders still on `aap` whose bucket is below the percentage, compared
 * with their live children by the live parity diff (ADR 0027, aap-parity profile), the restart
 * predicted against what the order controller applies after adoption (gitops profile, firmware
 * UUID pinned to the live VM's, ADR 32); refused ones are named, the rest are planned into batches in name order.
 * A gitops target also refuses an immutable DataVolume change (ADR 34); its committer is checked
 * with the rest of the platform before Preflight runs (PlatformGate, ADR 35).
 */
export async function runPreflight(rest: KubeRestClient, migration: FleetMigration, options: PreflightOptions): Promise<Extract<StepOutcome, { kind: "preflight" }>> {
  const selection = { namespace: migration.metadata.namespace, labelSelector: selectorText(migration.spec.orderSelector) };
  const orders = await readOrders(rest, { ...selection, names: [] });
  const { candidates, skipped } = selectByPercentage(orders, migration.spec.percentage);
  if (candidates.length === 0) return { kind: "preflight", batches: [], refused: [], skipped, selected: 0, acceptedDifferences: 0 };
  const result = await runLiveDiff(rest, {
    selection: { ...selection, names: candidates.map((order) => order.metadata.name ?? "") },
    profile: "aap-parity",
    restartAfterAdoption: true,
    ...(options.rolloutStrategy ? { rolloutStrategy: options.rolloutStrategy } : {}),
    ...(options.storageClassEnv ? { storageClassEnv: options.storageClassEnv } : {}),
  });
  const outcome = preflightOutcome(result.orders);
  const gitopsRefused = migration.spec.targetMode === "gitops" ? await immutableDataVolumeRefusals(rest, migration, outcome.accepted) : [];
  const accepted = outcome.accepted.filter((name) => !gitopsRefused.some((order) => order.name === name));
  return {
    kind: "preflight",
    batches: planBatches(accepted, migration.spec.batchSize),
    refused: [...outcome.refused, ...gitopsRefused],
    skipped,
    selected: candidates.length,
    acceptedDifferences: outcome.acceptedDifferences.length,
  };
}
