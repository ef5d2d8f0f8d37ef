import { valueAt } from "../compare/field-path.ts";
import { normalizePair } from "../compare/normalize.ts";
import { referenceOf, type LiveObject, type ObjectReference } from "../live-object.ts";
import { predictRestart, type RunningInstance, type TemplateChange } from "../restart/restart-predictor.ts";
import type { RolloutStrategy } from "../restart/rollout-strategy.ts";

export interface VmRestart {
  readonly vm: ObjectReference;
  readonly running: boolean;
  /** What showed whether the VM runs: its VMI, or its printableStatus. */
  readonly evidence: string;
  /** Applying the rendered VM would set RestartRequired (only ever true for a running VM). */
  readonly restartRequired: boolean;
  /** Every `spec.template.spec` field that would change, and whether it restarts the VM. */
  readonly changes: readonly TemplateChange[];
  /** The live VM already has `RestartRequired=True`: a restart is pending whatever happens. */
  readonly pendingRestart: boolean;
  readonly strategy: RolloutStrategy;
}

/** printableStatus values of a VM whose VMI exists and runs a guest (PARITY.md: running, paused). */
const RUNNING_STATUSES = new Set(["Running", "Migrating", "Paused"]);
const FINISHED_PHASES = new Set(["Succeeded", "Failed"]);

/**
 * The restart prediction for an order's VirtualMachine: present when the VM is both rendered and
 * live. The VM runs when its VMI exists and has not finished, or (no VMI seen) its
 * printableStatus says it runs. Pure.
 */
export function restartOf(rendered: readonly LiveObject[], live: readonly LiveObject[], instance: LiveObject | undefined, strategy: RolloutStrategy): VmRestart | undefined {
  const wanted = rendered.find((object) => object.kind === "VirtualMachine");
  const current = wanted && live.find((object) => object.kind === "VirtualMachine" && object.metadata.name === wanted.metadata.name);
  if (!wanted || !current) return undefined;
  const { running, evidence } = runningState(current, instance);
  const pair = normalizePair("VirtualMachine", current, wanted);
  const prediction = predictRestart({
    current: valueAt(pair.live, ["spec", "template", "spec"]),
    next: valueAt(pair.rendered, ["spec", "template", "spec"]),
    strategy,
    ...(instance ? { instance: runningInstance(instance) } : {}),
  });
  const conditions = (current.status?.conditions ?? []) as { type?: string; status?: string }[];
  return {
    vm: referenceOf(current),
    running,
    evidence,
    restartRequired: running && prediction.restartRequired,
    changes: prediction.changes,
    pendingRestart: conditions.some((condition) => condition.type === "RestartRequired" && condition.status === "True"),
    strategy,
  };
}

function runningState(vm: LiveObject, instance: LiveObject | undefined): { running: boolean; evidence: string } {
  if (instance && !instance.metadata.deletionTimestamp) {
    const phase = String(instance.status?.phase ?? "unknown");
    return { running: !FINISHED_PHASES.has(phase), evidence: `VMI ${instance.metadata.name} (phase ${phase})` };
  }
  const printable = vm.status?.printableStatus;
  if (typeof printable === "string") return { running: RUNNING_STATUSES.has(printable), evidence: `no VMI; printableStatus ${printable}` };
  return { running: false, evidence: "no VMI and no printableStatus" };
}

function runningInstance(instance: LiveObject): RunningInstance {
  const spec = instance.spec?.domain ?? {};
  const conditions = (instance.status?.conditions ?? []) as { type?: string; status?: string }[];
  const migratable = conditions.find((condition) => condition.type === "LiveMigratable");
  return {
    ...(typeof spec.firmware?.uuid === "string" ? { firmwareUuid: spec.firmware.uuid } : {}),
    ...(spec.memory?.maxGuest !== undefined ? { maxGuest: String(spec.memory.maxGuest) } : {}),
    ...(instance.status?.memory?.guestAtBoot !== undefined ? { guestAtBoot: String(instance.status.memory.guestAtBoot) } : {}),
    ...(typeof spec.cpu?.maxSockets === "number" ? { maxSockets: spec.cpu.maxSockets } : {}),
    ...(migratable ? { liveMigratable: migratable.status === "True" } : {}),
  };
}
