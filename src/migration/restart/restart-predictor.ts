import { compareValues } from "../compare/compare-values.ts";
import { formatPath, startsWith, valueAt, type FieldPath } from "../compare/field-path.ts";
import { compareQuantities, parseQuantity } from "../../domain/quantity/exact-quantity.ts";
import { interfacesNeedRestart } from "./interface-hotplug.ts";
import { volumesAreLiveUpdatable, disksAreLiveUpdatable } from "./volume-hotplug.ts";
import type { RolloutStrategy } from "./rollout-strategy.ts";

/** What the running VMI tells about hotplug limits (all optional: a VM may be known only by its status). */
export interface RunningInstance {
  /** `spec.domain.firmware.uuid` of the VMI. */
  readonly firmwareUuid?: string;
  /** `spec.domain.memory.maxGuest`: absent means memory hotplug is not set up for this VMI. */
  readonly maxGuest?: string;
  /** `status.memory.guestAtBoot`. */
  readonly guestAtBoot?: string;
  /** `spec.domain.cpu.maxSockets`. */
  readonly maxSockets?: number;
  /** The `LiveMigratable` condition (memory hotplug needs a migratable VMI). */
  readonly liveMigratable?: boolean;
}

export interface RestartInput {
  /** `spec.template.spec` of the live VM (ignored fields removed): what the VMI runs. */
  readonly current: unknown;
  /** `spec.template.spec` that adoption would apply (ignored fields removed). */
  readonly next: unknown;
  readonly strategy: RolloutStrategy;
  readonly instance?: RunningInstance;
}

export interface TemplateChange {
  /** Under `spec.template.spec`, e.g. `spec.template.spec.domain.cpu.cores`. */
  readonly path: string;
  readonly restarts: boolean;
  /** Which of KubeVirt's rules decided it. */
  readonly rule: string;
}

export interface RestartPrediction {
  readonly restartRequired: boolean;
  readonly changes: readonly TemplateChange[];
}

const PREFIX = ["spec", "template", "spec"];

/**
 * Whether changing a running VM's `spec.template.spec` from `current` to `next` sets KubeVirt's
 * `RestartRequired` condition, and why for each changed field. Mirrors virt-controller's
 * `syncRestartRequired` (pkg/virt-controller/watch/vm/vm.go): the spec the VMI started from gets
 * the live-updatable fields copied over from the new one, and any difference that remains needs a
 * restart:
 * - volumes and disks, when only hot-pluggable volumes (and their disks) were added, changed or
 *   removed, under either strategy;
 * - under `LiveUpdate`: `domain.cpu.sockets`, `domain.memory.guest`, `nodeSelector`, `affinity`,
 *   `tolerations`, within the hotplug limits the VMI was started with (virt-controller raises
 *   `RestartRequired` itself beyond them: sockets above maxSockets, memory below the boot size or
 *   above maxGuest, no maxGuest, a VMI that cannot migrate);
 * - interfaces and networks, when only secondary bridge/SR-IOV interfaces on Multus networks
 *   were plugged or unplugged;
 * - `domain.firmware.uuid`, when the new UUID is the one the VMI already runs with.
 * The VMI is assumed to run the current spec (no restart already pending). Pure.
 */
export function predictRestart(input: RestartInput): RestartPrediction {
  const { current, next, strategy, instance } = input;
  const started = structuredClone(current ?? {}) as Spec;
  const wanted = (next ?? {}) as Spec;
  const exemptions: { path: FieldPath; rule: string }[] = [];
  const copy = (path: FieldPath, rule: string) => {
    setIn(started, path, structuredClone(valueAt(wanted, path)));
    exemptions.push({ path, rule });
  };

  if (volumesAreLiveUpdatable(started, wanted)) copy(["volumes"], "hot-pluggable volumes only");
  if (disksAreLiveUpdatable(started, wanted)) copy(["domain", "devices", "disks"], "disks of hot-pluggable volumes only");
  if (strategy === "LiveUpdate") {
    if (valueAt(started, ["domain", "cpu"]) !== undefined && valueAt(wanted, ["domain", "cpu"]) !== undefined && socketsWithinLimit(wanted, instance)) {
      copy(["domain", "cpu", "sockets"], "CPU socket hotplug (LiveUpdate)");
    }
    if (valueAt(wanted, ["domain", "memory", "guest"]) !== undefined && memoryHotpluggable(started, wanted, instance)) {
      copy(["domain", "memory", "guest"], "memory hotplug (LiveUpdate)");
    }
    for (const field of ["nodeSelector", "affinity", "tolerations"]) copy([field], `${field} live update (LiveUpdate)`);
  }
  if (!interfacesNeedRestart(started, wanted)) {
    copy(["domain", "devices", "interfaces"], "secondary interface hotplug");
    copy(["networks"], "secondary interface hotplug");
  }
  const uuid = valueAt(wanted, ["domain", "firmware", "uuid"]);
  if (instance?.firmwareUuid !== undefined && uuid === instance.firmwareUuid) copy(["domain", "firmware", "uuid"], "the VMI already runs with this firmware UUID");

  const remaining = compareValues(started, wanted).map((difference) => difference.path);
  const changes = compareValues(current ?? {}, wanted).map(({ path }): TemplateChange => {
    const restarts = remaining.some((left) => startsWith(left, path) || startsWith(path, left));
    const exemption = exemptions.find((candidate) => startsWith(path, candidate.path) || startsWith(candidate.path, path));
    return {
      path: formatPath([...PREFIX, ...path]),
      restarts,
      rule: restarts ? restartRule(path, strategy) : (exemption?.rule ?? "live-updatable"),
    };
  });
  return { restartRequired: remaining.length > 0, changes };
}

type Spec = Record<string, unknown>;

function setIn(root: Spec, path: FieldPath, value: unknown): void {
  let current: Record<string | number, unknown> = root;
  for (const segment of path.slice(0, -1)) {
    const next = current[segment];
    if (next === null || typeof next !== "object") current[segment] = {};
    current = current[segment] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete current[last];
  else current[last] = value;
}

function restartRule(path: FieldPath, strategy: RolloutStrategy): string {
  const head = path.join(".");
  if (head.startsWith("volumes") || head.startsWith("domain.devices.disks")) return "a volume or disk that is not hot-pluggable changed";
  if (head.startsWith("domain.devices.interfaces") || head.startsWith("networks")) return "the pod network or a primary interface changed";
  const liveUpdatable = ["domain.cpu.sockets", "domain.memory.guest", "nodeSelector", "affinity", "tolerations"];
  if (liveUpdatable.some((field) => head.startsWith(field))) {
    return strategy === "LiveUpdate" ? "beyond the hotplug limits the VMI started with" : "live-updatable only under the LiveUpdate rollout strategy";
  }
  return "not live-updatable";
}

function quantity(value: unknown) {
  return typeof value === "string" || typeof value === "number" ? parseQuantity(String(value)) : undefined;
}

/** virt-controller's handleMemoryHotplugRequest: the checks that raise RestartRequired themselves. */
function memoryHotpluggable(started: Spec, wanted: Spec, instance: RunningInstance | undefined): boolean {
  const target = quantity(valueAt(wanted, ["domain", "memory", "guest"]));
  const before = quantity(instance?.guestAtBoot ?? valueAt(started, ["domain", "memory", "guest"]));
  if (target === undefined) return false;
  if (before !== undefined && compareQuantities(target, before) === 0) return true;
  if (instance === undefined) return true;
  if (instance.liveMigratable === false) return false;
  const maxGuest = quantity(instance.maxGuest);
  if (maxGuest === undefined) return false;
  if (before !== undefined && compareQuantities(target, before) < 0) return false;
  return compareQuantities(target, maxGuest) <= 0;
}

function socketsWithinLimit(wanted: Spec, instance: RunningInstance | undefined): boolean {
  const sockets = valueAt(wanted, ["domain", "cpu", "sockets"]);
  if (typeof sockets !== "number" || instance?.maxSockets === undefined) return true;
  return sockets <= instance.maxSockets;
}
