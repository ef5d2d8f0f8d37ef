/**
 * What each KubeVirt `VirtualMachine.status.printableStatus` means to the three consumers of an
 * order's state (PARITY.md, "Status mapping references"):
 * - the upstream cloudkit operator's phase (kept for parity and for logs),
 * - the SSVirt power status (stored for the fulfillment service),
 * - this project's order phase, assuming the order is accepted, not being deleted, and all its
 *   children exist at the desired config version (`computeOrderStatus` checks those first).
 */
import type { Phase } from "../../api/v1alpha1/types.ts";
import type { FulfillmentState, PowerStatus } from "../../platform/database/vm-state.ts";

export const PRINTABLE_STATUSES = [
  "Stopped",
  "Provisioning",
  "Starting",
  "Running",
  "Paused",
  "Stopping",
  "Terminating",
  "CrashLoopBackOff",
  "Migrating",
  "Unknown",
  "ErrorUnschedulable",
  "ErrImagePull",
  "ImagePullBackOff",
  "ErrorPvcNotFound",
  "DataVolumeError",
  "WaitingForVolumeBinding",
  "WaitingForReceiver",
] as const;
export type PrintableStatus = (typeof PRINTABLE_STATUSES)[number];

/** The cloudkit operator's VM phase. */
export type OperatorPhase = "starting" | "running" | "paused" | "stopping" | "stopped" | "failed";

export interface PrintableStatusMapping {
  /** `keep`: the operator keeps its previous phase. */
  readonly operatorPhase: OperatorPhase | "keep";
  readonly powerStatus: PowerStatus;
  /**
   * `Ready` only once KubeVirt also reports the VM ready (`status.ready`); `keep`: the previous
   * phase stays when it was Ready (a node that stops reporting does not flap the order).
   */
  readonly orderPhase: Exclude<Phase, "Deleting"> | "keep";
  /** The VM is in an error state: Degraded=True, phase Failed (until KubeVirt recovers it). */
  readonly fault: boolean;
}

const row = (operatorPhase: PrintableStatusMapping["operatorPhase"], powerStatus: PowerStatus, orderPhase: PrintableStatusMapping["orderPhase"], fault = false) => ({
  operatorPhase,
  powerStatus,
  orderPhase,
  fault,
});

/**
 * Notes on the less obvious rows:
 * - ErrorUnschedulable: the operator counts it as `starting` (its constant is named
 *   `Unschedulable`), SSVirt as an error; the order reports it Failed/Degraded so it cannot hide
 *   as Progressing forever (the Argo CD health-check defect in PITFALLS.md).
 * - Terminating: not in the operator's list, so `failed` there ("anything else"); here the VM is
 *   going away while the order is not, so the order waits for it to be recreated (Progressing).
 * - Stopped / Paused / Stopping: rendered VMs run with `runStrategy: Always`; a stopped or paused VM
 *   is not what was ordered but is not a fault either: Progressing, with the power status saying why.
 * - WaitingForReceiver: the target of a live migration; `running` for the operator, STARTING for SSVirt.
 */
export const PRINTABLE_STATUS_TABLE: Readonly<Record<PrintableStatus, PrintableStatusMapping>> = {
  Stopped: row("stopped", "POWERED_OFF", "Progressing"),
  Provisioning: row("starting", "STARTING", "Progressing"),
  Starting: row("starting", "POWERING_ON", "Progressing"),
  Running: row("running", "POWERED_ON", "Ready"),
  Paused: row("paused", "SUSPENDED", "Progressing"),
  Stopping: row("stopping", "POWERING_OFF", "Progressing"),
  Terminating: row("failed", "POWERING_OFF", "Progressing"),
  CrashLoopBackOff: row("failed", "ERROR", "Failed", true),
  Migrating: row("running", "POWERED_ON", "Ready"),
  Unknown: row("keep", "UNKNOWN", "keep"),
  ErrorUnschedulable: row("starting", "ERROR", "Failed", true),
  ErrImagePull: row("failed", "ERROR", "Failed", true),
  ImagePullBackOff: row("failed", "ERROR", "Failed", true),
  ErrorPvcNotFound: row("failed", "ERROR", "Failed", true),
  DataVolumeError: row("failed", "ERROR", "Failed", true),
  WaitingForVolumeBinding: row("starting", "STARTING", "Progressing"),
  WaitingForReceiver: row("running", "STARTING", "Progressing"),
};

/** A value KubeVirt has not reported yet (a VM without status). */
const NOT_REPORTED: PrintableStatusMapping = row("keep", "STARTING", "Progressing");
/** A value newer than this table: an error, as the operator treats it ("anything else → failed"). */
const UNRECOGNISED: PrintableStatusMapping = row("failed", "ERROR", "Failed", true);

export function isPrintableStatus(value: string): value is PrintableStatus {
  return Object.hasOwn(PRINTABLE_STATUS_TABLE, value);
}

export function mapPrintableStatus(value: string | undefined): PrintableStatusMapping {
  if (!value) return NOT_REPORTED;
  return isPrintableStatus(value) ? PRINTABLE_STATUS_TABLE[value] : UNRECOGNISED;
}

/** The cloudkit operator's phase; `previous` is kept for an empty or `Unknown` status. */
export function operatorPhaseFor(printableStatus: string | undefined, previous?: OperatorPhase): OperatorPhase | undefined {
  const { operatorPhase } = mapPrintableStatus(printableStatus);
  return operatorPhase === "keep" ? previous : operatorPhase;
}

/** SSVirt power status of an existing VM (deletion is decided by `powerStatusOf`). */
export function powerStatusFor(printableStatus: string | undefined): PowerStatus {
  return mapPrintableStatus(printableStatus).powerStatus;
}

/**
 * fulfillment-service state: READY follows Available through the phase; an order being deleted
 * is still in progress (the power status says DELETING).
 */
export function fulfillmentStateFor(phase: Phase): FulfillmentState {
  switch (phase) {
    case "Ready":
      return "READY";
    case "Failed":
      return "FAILED";
    case "Progressing":
    case "Deleting":
    // Not reached for a row: while an order's hub is unreachable its row keeps the last known state.
    case "Unknown":
      return "PROGRESSING";
  }
}
