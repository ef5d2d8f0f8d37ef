import { InvalidVmStateError, toStoreError } from "./errors.ts";
import { MIGRATIONS, runMigrations, type Migration, type MigrationReport } from "./migrations.ts";
import type { SqlSession } from "./sql-session.ts";
import {
  FULFILLMENT_STATES,
  POWER_STATUSES,
  VM_STATE_CHANNEL,
  type FulfillmentState,
  type PowerStatus,
  type StoredCondition,
  type UpsertOutcome,
  type UpsertResult,
  type VmStateChange,
  type VmStateHistoryRecord,
  type VmStateRecord,
  type VmStateRow,
} from "./vm-state.ts";
import { LOCK_ORDER, MARK_DELETED, SELECT_VM_STATE, SELECT_VM_STATE_HISTORY, UPSERT_VM_STATE } from "./vm-state-sql.ts";

/**
 * Where the controller records each order's fulfillment-facing state (ADR 0008). Every method
 * throws only `StatusStoreError`s; `DatabaseUnavailableError` (retryable) when the database cannot
 * be reached.
 */
export interface StatusStore {
  readonly backend: "pglite" | "postgres";
  /** Creates or upgrades the schema; safe to call from several replicas at once, and twice. */
  migrate(): Promise<MigrationReport>;
  /** Idempotent, ordered upsert: an older observation never overwrites a newer one. */
  upsertVmState(row: VmStateRow): Promise<UpsertResult>;
  /** The order is gone: power DELETED, row frozen. Idempotent; `changed: false` when unknown or already deleted. */
  markDeleted(orderUid: string, resourceVersion: string, at: Date): Promise<{ changed: boolean }>;
  getVmState(orderUid: string): Promise<VmStateRecord | undefined>;
  /** The order's transitions, oldest first. */
  listHistory(orderUid: string): Promise<VmStateHistoryRecord[]>;
  /**
   * Calls `onChange` for every committed change (NOTIFY `osac_vm_state`, payload the order uid),
   * and with `resync` when notifications may have been lost. Resolves to an unsubscribe function.
   */
  listen(onChange: (change: VmStateChange) => void): Promise<() => Promise<void>>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface SqlStatusStoreOptions {
  /** @default MIGRATIONS */
  readonly migrations?: readonly Migration[];
}

/** The StatusStore over any SqlSession (PGlite or PostgreSQL): one set of SQL for both. */
export class SqlStatusStore implements StatusStore {
  readonly backend: "pglite" | "postgres";
  private readonly migrations: readonly Migration[];

  constructor(
    private readonly session: SqlSession,
    options: SqlStatusStoreOptions = {},
  ) {
    this.backend = session.backend;
    this.migrations = options.migrations ?? MIGRATIONS;
  }

  migrate(): Promise<MigrationReport> {
    return runMigrations(this.session, this.migrations);
  }

  async upsertVmState(row: VmStateRow): Promise<UpsertResult> {
    checkRow(row);
    const [result] = await this.session.transaction(async (tx) => {
      await tx.query(LOCK_ORDER, [row.orderUid]);
      return tx.query<UpsertCounts>(UPSERT_VM_STATE, [
        row.orderUid,
        row.virtualMachineUuid,
        row.namespace,
        row.name,
        row.state,
        row.powerStatus,
        [...row.ipAddresses],
        row.desiredConfigVersion,
        row.reconciledConfigVersion,
        JSON.stringify(row.conditions),
        row.resourceVersion,
        String(row.observedGeneration),
        row.observedAt.toISOString(),
        row.hub ?? null,
      ]);
    });
    if (!result) throw toStoreError(new Error("the upsert returned no row"), "upsertVmState");
    return {
      outcome: outcomeOf(result),
      changed: result.content_changed > 0,
      historyAppended: result.history_rows > 0,
    };
  }

  async markDeleted(orderUid: string, resourceVersion: string, at: Date): Promise<{ changed: boolean }> {
    if (!orderUid) throw new InvalidVmStateError("markDeleted needs the order uid");
    if (Number.isNaN(at.getTime())) throw new InvalidVmStateError("markDeleted needs a valid time");
    const [result] = await this.session.transaction(async (tx) => {
      await tx.query(LOCK_ORDER, [orderUid]);
      return tx.query<{ deleted: number }>(MARK_DELETED, [orderUid, resourceVersion, at.toISOString()]);
    });
    return { changed: (result?.deleted ?? 0) > 0 };
  }

  async getVmState(orderUid: string): Promise<VmStateRecord | undefined> {
    const [row] = await this.session.query<VmStateColumns>(SELECT_VM_STATE, [orderUid]);
    return row ? toRecord(row) : undefined;
  }

  async listHistory(orderUid: string): Promise<VmStateHistoryRecord[]> {
    const rows = await this.session.query<HistoryColumns>(SELECT_VM_STATE_HISTORY, [orderUid]);
    return rows.map((row) => ({
      id: Number(row.id),
      orderUid: row.order_uid,
      state: row.state,
      powerStatus: row.power_status,
      ipAddresses: row.ip_addresses,
      desiredConfigVersion: row.desired_config_version,
      reconciledConfigVersion: row.reconciled_config_version,
      resourceVersion: row.resource_version,
      observedGeneration: Number(row.observed_generation),
      observedAt: toDate(row.observed_at),
      recordedAt: toDate(row.recorded_at),
    }));
  }

  listen(onChange: (change: VmStateChange) => void): Promise<() => Promise<void>> {
    return this.session.listen(VM_STATE_CHANNEL, {
      onNotification: (payload) => {
        if (payload) onChange({ kind: "changed", orderUid: payload });
      },
      onReconnected: () => onChange({ kind: "resync", reason: "the listening connection was re-established" }),
    });
  }

  async ping(): Promise<void> {
    await this.session.query("SELECT 1");
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

interface UpsertCounts {
  existed: number;
  was_deleted: number;
  written: number;
  content_changed: number;
  history_rows: number;
  was_newer: number;
}

function outcomeOf(counts: UpsertCounts): UpsertOutcome {
  if (counts.written > 0) {
    if (counts.existed === 0) return "inserted";
    return counts.content_changed > 0 ? "updated" : "observed";
  }
  if (counts.was_deleted > 0) return "deleted";
  return counts.was_newer > 0 ? "stale" : "unchanged";
}

interface VmStateColumns {
  order_uid: string;
  virtualmachine_uuid: string | null;
  namespace: string;
  name: string;
  state: FulfillmentState;
  power_status: PowerStatus;
  ip_addresses: string[];
  desired_config_version: string | null;
  reconciled_config_version: string | null;
  conditions: StoredCondition[];
  hub: string | null;
  resource_version: string;
  observed_generation: string;
  observed_at: Date | string;
  deleted_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

interface HistoryColumns {
  id: string;
  order_uid: string;
  state: FulfillmentState;
  power_status: PowerStatus;
  ip_addresses: string[];
  desired_config_version: string | null;
  reconciled_config_version: string | null;
  resource_version: string;
  observed_generation: string;
  observed_at: Date | string;
  recorded_at: Date | string;
}

function toRecord(row: VmStateColumns): VmStateRecord {
  return {
    orderUid: row.order_uid,
    virtualMachineUuid: row.virtualmachine_uuid,
    namespace: row.namespace,
    name: row.name,
    state: row.state,
    powerStatus: row.power_status,
    ipAddresses: row.ip_addresses,
    conditions: row.conditions,
    desiredConfigVersion: row.desired_config_version,
    reconciledConfigVersion: row.reconciled_config_version,
    resourceVersion: row.resource_version,
    hub: row.hub,
    observedGeneration: Number(row.observed_generation),
    observedAt: toDate(row.observed_at),
    deletedAt: row.deleted_at === null ? null : toDate(row.deleted_at),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

/** The contract the SQL relies on, checked before a round trip is spent on a bad row. */
function checkRow(row: VmStateRow): void {
  const problems: string[] = [];
  if (!row.orderUid) problems.push("orderUid is empty");
  if (!row.namespace || !row.name) problems.push("namespace and name are required");
  if (!(FULFILLMENT_STATES as readonly string[]).includes(row.state)) problems.push(`state ${JSON.stringify(row.state)} is not one of ${FULFILLMENT_STATES.join(", ")}`);
  if (!(POWER_STATUSES as readonly string[]).includes(row.powerStatus)) {
    problems.push(`powerStatus ${JSON.stringify(row.powerStatus)} is not one of ${POWER_STATUSES.join(", ")}`);
  }
  if (!Number.isSafeInteger(row.observedGeneration) || row.observedGeneration < 0) {
    problems.push(`observedGeneration ${row.observedGeneration} is not a non-negative integer`);
  }
  if (!(row.observedAt instanceof Date) || Number.isNaN(row.observedAt.getTime())) problems.push("observedAt is not a valid Date");
  if (typeof row.resourceVersion !== "string") problems.push("resourceVersion must be a string");
  if (problems.length > 0) {
    throw new InvalidVmStateError(`Invalid VM state for order ${row.orderUid || "(no uid)"}: ${problems.join("; ")}`);
  }
}
