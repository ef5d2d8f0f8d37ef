import type { Phase } from "../../api/v1alpha1/types.ts";
import { tenantNamespace, tenantObjectName } from "../../domain/tenant.ts";
import { reachableAddresses } from "./addresses.ts";
import { mergeConditions, type ConditionValue } from "./conditions.ts";
import type { ChildObservation, DataVolumeObservation, ObservedCondition, OrderStatus, OrderStatusInput, VirtualMachineObservation } from "./order-status.ts";
import { mapPrintableStatus, type PrintableStatusMapping } from "./printable-status.ts";

/**
 * The order's status from what is live. Pure: same input, same output. Rules, first match wins
 * for the phase:
 * 1. `deletionTimestamp` set → Deleting.
 * 2. Not accepted (validation errors) → Failed.
 * 3. A fault (a blocked change, a failed DataVolume, a KubeVirt error state) → Failed, Degraded=True.
 * 4. A child missing → Progressing (ChildrenMissing).
 * 4a. The children carry keyed config versions and there is no key → Progressing (ConfigVersionUnverifiable).
 * 5. The live children do not all carry the desired config version → Progressing (ConfigVersionPending).
 * 6. KubeVirt reports `Unknown` → the previous phase if it was Ready, else Progressing.
 * 7. The VM runs and is ready (Available=True) → Ready.
 * 8. Otherwise → Progressing, with the DataVolume import or the VM's printable status as reason.
 * Available, Degraded, Accepted and Deleting are facts computed on their own, whatever the phase.
 */
export function computeOrderStatus(input: OrderStatusInput): OrderStatus {
  const { order, previous } = input;
  const deleting = Boolean(order.deletionTimestamp);
  const vm = input.virtualMachine;
  const mapping = vm ? mapPrintableStatus(vm.printableStatus) : undefined;
  const desiredConfigVersion = order.desiredConfigVersion ?? previous?.desiredConfigVersion;
  const reconciledConfigVersion = agreedConfigVersion(input.children) ?? previous?.reconciledConfigVersion;
  const childrenNamespace = order.tenant ? tenantNamespace(order.namespace, order.tenant) : previous?.virtualMachineReference?.namespace;

  const available = availability(vm, mapping, childrenNamespace, order.name);
  const fault = faultOf(input, mapping);
  const { phase, progressing } = phaseAndProgress(input, { deleting, fault, mapping, available, desiredConfigVersion, reconciledConfigVersion });

  const conditions = mergeConditions(
    [
      input.acceptance.accepted
        ? { type: "Accepted", status: "True", reason: "Valid", message: "The order passed validation" }
        : { type: "Accepted", status: "False", reason: input.acceptance.reason || "Invalid", message: input.acceptance.message },
      { type: "Progressing", ...progressing },
      { type: "Available", ...available },
      fault ? { type: "Degraded", status: "True", ...fault } : { type: "Degraded", status: "False", reason: "AsExpected", message: "" },
      deleting
        ? { type: "Deleting", status: "True", reason: "DeletionRequested", message: `Deletion was requested at ${order.deletionTimestamp}` }
        : { type: "Deleting", status: "False", reason: "NotRequested", message: "" },
    ],
    previous?.conditions,
    order.generation,
    input.now,
  );

  const ipAddresses = reachableAddresses(input.virtualMachineInstance, input.service);
  const tenantReference = order.tenant ? { name: tenantObjectName(order.tenant), namespace: order.namespace } : previous?.tenantReference;
  const virtualMachineReference = childrenNamespace
    ? { namespace: childrenNamespace, kubeVirtVirtualMachineName: order.name }
    : previous?.virtualMachineReference;
  return {
    phase,
    conditions,
    ...(virtualMachineReference ? { virtualMachineReference } : {}),
    ...(tenantReference ? { tenantReference } : {}),
    ...(desiredConfigVersion ? { desiredConfigVersion } : {}),
    ...(reconciledConfigVersion ? { reconciledConfigVersion } : {}),
    ...(ipAddresses.length > 0 ? { ipAddresses } : {}),
  };
}

/**
 * The config version every expected child carries, once they all exist and agree; undefined
 * while any is missing, unannotated or different (the caller then keeps the previous value).
 */
export function agreedConfigVersion(children: readonly ChildObservation[]): string | undefined {
  if (children.length === 0) return undefined;
  const versions = new Set(children.map((child) => (child.exists ? child.configVersion : undefined)));
  const [only] = versions;
  return versions.size === 1 && only ? only : undefined;
}

type ConditionFields = Omit<ConditionValue, "type">;

function availability(
  vm: VirtualMachineObservation | undefined,
  mapping: PrintableStatusMapping | undefined,
  namespace: string | undefined,
  name: string,
): ConditionFields {
  const where = namespace ? `${namespace}/${name}` : name;
  if (!vm || !mapping) {
    return { status: "False", reason: "VirtualMachineMissing", message: `KubeVirt VirtualMachine ${where} does not exist` };
  }
  const printable = vm.printableStatus;
  if (mapping.orderPhase === "keep") {
    return { status: "Unknown", reason: "StatusUnknown", message: `KubeVirt reports VirtualMachine ${where} as ${printable}${vmDetail(vm)}` };
  }
  if (mapping.orderPhase === "Ready") {
    return vm.ready === true
      ? { status: "True", reason: "VirtualMachineReady", message: `VirtualMachine ${where} is ${printable} and ready` }
      : { status: "False", reason: "VirtualMachineNotReady", message: `VirtualMachine ${where} is ${printable} but not ready yet${vmDetail(vm)}` };
  }
  return {
    status: "False",
    reason: printable || "StatusNotReported",
    message: printable ? `VirtualMachine ${where} is ${printable}${vmDetail(vm)}` : `KubeVirt has not reported a status for VirtualMachine ${where} yet`,
  };
}

function faultOf(input: OrderStatusInput, mapping: PrintableStatusMapping | undefined): Omit<ConditionFields, "status"> | undefined {
  if (input.blocked) return { reason: input.blocked.reason || "ChangeBlocked", message: input.blocked.message };
  if (input.dataVolume?.phase === "Failed") {
    return { reason: "DataVolumeFailed", message: `The root disk DataVolume failed${conditionDetail(input.dataVolume.conditions)}` };
  }
  if (input.virtualMachine && mapping?.fault) {
    const printable = input.virtualMachine.printableStatus ?? "";
    return { reason: printable, message: `KubeVirt reports the VirtualMachine as ${printable}${vmDetail(input.virtualMachine)}` };
  }
  return undefined;
}

interface PhaseFacts {
  readonly deleting: boolean;
  readonly fault: Omit<ConditionFields, "status"> | undefined;
  readonly mapping: PrintableStatusMapping | undefined;
  readonly available: ConditionFields;
  readonly desiredConfigVersion: string | undefined;
  readonly reconciledConfigVersion: string | undefined;
}

function phaseAndProgress(input: OrderStatusInput, facts: PhaseFacts): { phase: Phase; progressing: ConditionFields } {
  const settled = (phase: Phase, reason: string, message: string) => ({ phase, progressing: { status: "False" as const, reason, message } });
  const working = (reason: string, message: string) => ({ phase: "Progressing" as const, progressing: { status: "True" as const, reason, message } });

  if (facts.deleting) return settled("Deleting", "Deleting", "The order is being deleted");
  if (!input.acceptance.accepted) return settled("Failed", "NotAccepted", "The order did not pass validation; see the Accepted condition");
  if (facts.fault) return settled("Failed", facts.fault.reason, facts.fault.message);

  const missing = input.children.filter((child) => !child.exists);
  if (missing.length > 0) {
    return working("ChildrenMissing", `Waiting for ${missing.map((child) => `${child.kind} ${child.name}`).join(", ")} to exist`);
  }
  if (input.configVersionsUnverifiable) {
    return working(
      "ConfigVersionUnverifiable",
      "The children carry keyed config versions (sealed GitOps output); give the controller the sealing key (--config-version-key-file) to tell whether they are current",
    );
  }
  if (facts.desiredConfigVersion && facts.reconciledConfigVersion !== facts.desiredConfigVersion) {
    const current = input.children.filter((child) => child.configVersion === facts.desiredConfigVersion).length;
    return working(
      "ConfigVersionPending",
      `${current} of ${input.children.length} children carry config version ${facts.desiredConfigVersion}` +
        (facts.reconciledConfigVersion ? ` (all last agreed on ${facts.reconciledConfigVersion})` : ""),
    );
  }
  if (facts.mapping?.orderPhase === "keep") {
    return input.previous?.phase === "Ready"
      ? settled("Ready", "StatusUnknown", facts.available.message)
      : working("StatusUnknown", facts.available.message);
  }
  if (facts.available.status === "True") return settled("Ready", "Reconciled", "Every child is at the desired config version and the VM is ready");
  const importing = importProgress(input.dataVolume);
  if (importing) return working("DataVolumeImporting", importing);
  return working(facts.available.reason, facts.available.message);
}

/** DataVolume phases on the way to `Succeeded` that are worth naming (CDI's import and clone phases). */
const TRANSFER_PHASES = new Set(["ImportScheduled", "ImportInProgress", "CloneScheduled", "CloneInProgress", "CSICloneInProgress", "SnapshotForSmartCloneInProgress", "CloneFromSnapshotSourceInProgress"]);

function importProgress(dataVolume: DataVolumeObservation | undefined): string | undefined {
  if (!dataVolume?.phase || !TRANSFER_PHASES.has(dataVolume.phase)) return undefined;
  const progress = dataVolume.progress && dataVolume.progress !== "N/A" ? ` (${dataVolume.progress})` : "";
  return `The root disk DataVolume is ${dataVolume.phase}${progress}`;
}

/** The first condition that explains a problem: a true Failure, or a false Ready/PodScheduled/…. */
function conditionDetail(conditions: readonly ObservedCondition[] | undefined): string {
  const telling = conditions?.find(
    (condition) => condition.message && ((condition.type === "Failure" && condition.status === "True") || condition.status === "False"),
  );
  return telling ? `: ${telling.message}` : "";
}

function vmDetail(vm: VirtualMachineObservation): string {
  return conditionDetail(vm.conditions);
}
