import { randomUUID } from "node:crypto";
import type { SqlQueryable, SqlSession } from "../../platform/database/sql-session.ts";
import { UrnPrefix, newUrn } from "../model/urn.ts";
import { canChangeVAppStatus, evaluateVAppStatus, type VAppStatus } from "../status/vapp-status.ts";
import type { VmObservation } from "../status/vm-observation.ts";
import { INSERT_VAPP, INSERT_VM, LOCK_VAPP, SELECT_VAPP_BY_NAME, SELECT_VAPP_VM_STATUSES, SELECT_VDC_OF_NAMESPACE, SELECT_VM_BY_NAME, UPDATE_VAPP_STATUS, UPDATE_VM_ROW } from "./vm-row-sql.ts";

/** What one write did. */
export type VmWriteOutcome =
  /** SSVirt does not manage this VM: no row, and no `vapp.ssvirt` label in a VDC namespace. */
  | "unmanaged"
  /** The row already said all this: nothing written. */
  | "unchanged"
  | "updated"
  /** A row was created for a VM labelled `vapp.ssvirt` (and its vApp when it had none). */
  | "created";

export interface VmWriteResult {
  readonly outcome: VmWriteOutcome;
  readonly vmId?: string;
  readonly vappId?: string;
  readonly previousStatus?: string | null;
  /** Set when the vApp's status was changed by this write. */
  readonly vappStatus?: { readonly from: string | null; readonly to: VAppStatus };
  /** Statements sent (the transaction's BEGIN/COMMIT not counted). */
  readonly statements: number;
}

/** The VM's labels name a vApp whose name a soft-deleted vApp still holds: no row can be made. */
export class VAppNameTakenError extends Error {
  override readonly name = "VAppNameTakenError";
}

export interface WriteVmOptions {
  /** Re-evaluate the vApp's status even when the VM's status did not change (a resync). */
  readonly aggregateAlways?: boolean;
  /** New ids (SSVirt draws random UUIDs). */
  readonly newUuid?: () => string;
}

/**
 * Writes one VM's observation into SSVirt's tables. The common case is one statement in one round
 * trip: the `vms` row found and updated only if something differs (autocommit; a single
 * statement is atomic by itself). When the VM's status change can change its vApp's aggregate (or
 * on a resync), the vApp is then locked and re-evaluated in a transaction of its own, reading the
 * committed statuses of all its VMs, so two VMs of one vApp changing at once both end in the right
 * aggregate. A VM labelled `vapp.ssvirt` without a row gets one (and its vApp when it has none)
 * in one transaction. Nothing is written when nothing differs.
 */
export async function writeVmObservation(session: SqlSession, observation: VmObservation, options: WriteVmOptions = {}): Promise<VmWriteResult> {
  const { data } = observation;
  const [row] = await session.query<{ id: string; vapp_id: string; previous_status: string | null; written: number }>(UPDATE_VM_ROW, [
    observation.vappId ?? null,
    observation.namespace,
    observation.name,
    observation.status,
    data.cpuCount ?? null,
    data.memoryMb ?? null,
    data.guestOs ?? null,
  ]);
  if (row) {
    const written = Number(row.written) > 0;
    const base = { outcome: written ? ("updated" as const) : ("unchanged" as const), vmId: row.id, vappId: row.vapp_id, previousStatus: row.previous_status };
    const vappMayChange = written && row.previous_status !== observation.status && canChangeVAppStatus(row.previous_status, observation.status);
    if (!vappMayChange && !options.aggregateAlways) return { ...base, statements: 1 };
    const aggregate = await session.transaction((tx) => aggregateVApp(tx, row.vapp_id));
    return { ...base, ...(aggregate.change ? { vappStatus: aggregate.change } : {}), statements: 1 + aggregate.statements };
  }
  if (observation.status === "DELETED" || !observation.vappName) return { outcome: "unmanaged", statements: 1 };
  try {
    return await session.transaction((tx) => createRow(tx, observation, options));
  } catch (error) {
    // The session wraps whatever the transaction threw into its error catalogue; ours is the cause.
    const cause = (error as { cause?: unknown }).cause;
    throw cause instanceof VAppNameTakenError ? cause : error;
  }
}

/** Row and (if needed) vApp for a VM labelled `vapp.ssvirt` in a VDC namespace (SSVirt's `createVMRecord`). */
async function createRow(tx: SqlQueryable, observation: VmObservation, options: WriteVmOptions): Promise<VmWriteResult> {
  const { data } = observation;
  let statements = 3;
  // Someone (SSVirt's API) may have made the row since the update above found none: then it waits for the next pass.
  const [existing] = await tx.query<{ id: string }>(SELECT_VM_BY_NAME, [observation.namespace, observation.name]);
  if (existing) return { outcome: "unchanged", vmId: existing.id, statements };
  const [vdc] = await tx.query<{ id: string }>(SELECT_VDC_OF_NAMESPACE, [observation.namespace]);
  if (!vdc || !observation.vappName) return { outcome: "unmanaged", statements };
  const newUuid = options.newUuid ?? randomUUID;
  await tx.query(INSERT_VAPP, [newUrn(UrnPrefix.vapp, newUuid()), observation.vappName, vdc.id, `VApp created from OpenShift TemplateInstance: ${observation.vappName}`]);
  const [vapp] = await tx.query<{ id: string; deleted_at: unknown }>(SELECT_VAPP_BY_NAME, [vdc.id, observation.vappName]);
  statements += 2;
  if (!vapp || vapp.deleted_at !== null) {
    throw new VAppNameTakenError(
      `VM ${observation.namespace}/${observation.name}: a deleted vApp named ${JSON.stringify(observation.vappName)} still holds that name in VDC ${vdc.id} (SSVirt's unique index on v_apps (name, vdc_id) covers deleted rows), so no row is made for the VM`,
    );
  }
  const vmId = newUrn(UrnPrefix.vm, newUuid());
  await tx.query(INSERT_VM, [vmId, `VM-${observation.name}`, vapp.id, observation.name, observation.namespace, observation.status, data.cpuCount ?? null, data.memoryMb ?? null, data.guestOs ?? null]);
  statements++;
  const aggregate = await aggregateVApp(tx, vapp.id);
  statements += aggregate.statements;
  return { outcome: "created", vmId, vappId: vapp.id, previousStatus: null, ...(aggregate.change ? { vappStatus: aggregate.change } : {}), statements };
}

async function aggregateVApp(tx: SqlQueryable, vappId: string): Promise<{ change?: { from: string | null; to: VAppStatus }; statements: number }> {
  const [vapp] = await tx.query<{ status: string | null }>(LOCK_VAPP, [vappId]);
  if (!vapp) return { statements: 1 };
  const statuses = await tx.query<{ status: string | null }>(SELECT_VAPP_VM_STATUSES, [vappId]);
  const next = evaluateVAppStatus(undefined, statuses.map((entry) => entry.status));
  if (next === vapp.status) return { statements: 2 };
  await tx.query(UPDATE_VAPP_STATUS, [vappId, next]);
  return { change: { from: vapp.status, to: next }, statements: 3 };
}
