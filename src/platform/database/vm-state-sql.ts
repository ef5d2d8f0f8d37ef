/**
 * The status store's SQL: the same text runs on PostgreSQL 15 and on PGlite. Each write is one
 * statement, run in a transaction after `LOCK_ORDER`, so the "previous row" it reads is exact.
 */
import { VM_STATE_CHANNEL } from "./vm-state.ts";

/**
 * Serialises writers of one order (advisory lock on two int4 keys: a constant for this table and
 * the hash of the uid; a hash collision only serialises two unrelated orders).
 */
export const LOCK_ORDER = "SELECT pg_advisory_xact_lock(1869833075, hashtext($1))";

/** Columns whose change is a transition worth a history row. */
const TRACKED = "state, power_status, ip_addresses, desired_config_version, reconciled_config_version";
/** Every stored field except the ordering key, resourceVersion and bookkeeping. */
const CONTENT = `virtualmachine_uuid, namespace, name, ${TRACKED}, conditions, hub`;

/** `ROW(alias.a, alias.b, ...)` for a comma-separated column list. */
const rowOf = (alias: string, columns: string) =>
  `ROW(${columns
    .split(",")
    .map((column) => `${alias}.${column.trim()}`)
    .join(", ")})`;

/**
 * Parameters: $1 order_uid, $2 virtualmachine_uuid, $3 namespace, $4 name, $5 state,
 * $6 power_status, $7 ip_addresses (text[]), $8 desired version, $9 reconciled version,
 * $10 conditions (JSON text), $11 resource_version, $12 observed_generation, $13 observed_at,
 * $14 hub (NULL in single-cluster mode; migration 2).
 *
 * The `WHERE` of `DO UPDATE` is the guard: a deleted row is frozen, an older observation
 * (`(generation, observed_at)` smaller than stored) is ignored, and an identical row is not
 * rewritten. `updated_at` moves only when content changes; history and NOTIFY likewise.
 */
export const UPSERT_VM_STATE = `
WITH prev AS (
  SELECT order_uid, ${CONTENT}, observed_generation, observed_at, deleted_at
  FROM vm_state WHERE order_uid = $1
),
written AS (
  INSERT INTO vm_state AS s (order_uid, ${CONTENT}, resource_version, observed_generation, observed_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10::jsonb, $14, $11, $12::bigint, $13::timestamptz)
  ON CONFLICT (order_uid) DO UPDATE SET
    virtualmachine_uuid = excluded.virtualmachine_uuid,
    namespace = excluded.namespace,
    name = excluded.name,
    state = excluded.state,
    power_status = excluded.power_status,
    ip_addresses = excluded.ip_addresses,
    desired_config_version = excluded.desired_config_version,
    reconciled_config_version = excluded.reconciled_config_version,
    conditions = excluded.conditions,
    hub = excluded.hub,
    resource_version = excluded.resource_version,
    observed_generation = excluded.observed_generation,
    observed_at = excluded.observed_at,
    updated_at = CASE WHEN ${rowOf("excluded", CONTENT)} IS DISTINCT FROM ${rowOf("s", CONTENT)} THEN now() ELSE s.updated_at END
  WHERE s.deleted_at IS NULL
    AND (excluded.observed_generation, excluded.observed_at) >= (s.observed_generation, s.observed_at)
    AND ${rowOf("excluded", `${CONTENT}, resource_version, observed_generation, observed_at`)}
        IS DISTINCT FROM ${rowOf("s", `${CONTENT}, resource_version, observed_generation, observed_at`)}
  RETURNING s.*
),
changes AS (
  SELECT w.*,
    ${rowOf("w", CONTENT)} IS DISTINCT FROM ${rowOf("p", CONTENT)} AS content_changed,
    ${rowOf("w", TRACKED)} IS DISTINCT FROM ${rowOf("p", TRACKED)} AS transition
  FROM written w LEFT JOIN prev p ON true
),
history AS (
  INSERT INTO vm_state_history (order_uid, ${TRACKED}, resource_version, observed_generation, observed_at)
  SELECT order_uid, ${TRACKED}, resource_version, observed_generation, observed_at FROM changes WHERE transition
  RETURNING id
)
SELECT
  (SELECT count(*) FROM prev)::int AS existed,
  (SELECT count(*) FROM prev WHERE deleted_at IS NOT NULL)::int AS was_deleted,
  (SELECT count(*) FROM changes)::int AS written,
  (SELECT count(*) FROM changes WHERE content_changed)::int AS content_changed,
  (SELECT count(*) FROM history)::int AS history_rows,
  (SELECT count(*) FROM prev p WHERE (p.observed_generation, p.observed_at) > ($12::bigint, $13::timestamptz))::int AS was_newer,
  (SELECT count(*) FROM (SELECT pg_notify('${VM_STATE_CHANNEL}', $1) FROM changes WHERE content_changed) notified)::int AS notified
`;

/**
 * Parameters: $1 order_uid, $2 resource_version, $3 deleted_at. Freezes the row: power DELETED,
 * deleted_at set once; a history row and a NOTIFY when it was not yet deleted.
 */
export const MARK_DELETED = `
WITH deleted AS (
  UPDATE vm_state s SET
    power_status = 'DELETED',
    deleted_at = $3::timestamptz,
    resource_version = $2,
    observed_at = GREATEST(s.observed_at, $3::timestamptz),
    updated_at = now()
  WHERE s.order_uid = $1 AND s.deleted_at IS NULL
  RETURNING s.*
),
history AS (
  INSERT INTO vm_state_history (order_uid, ${TRACKED}, resource_version, observed_generation, observed_at)
  SELECT order_uid, ${TRACKED}, resource_version, observed_generation, observed_at FROM deleted
  RETURNING id
)
SELECT
  (SELECT count(*) FROM deleted)::int AS deleted,
  (SELECT count(*) FROM history)::int AS history_rows,
  (SELECT count(*) FROM (SELECT pg_notify('${VM_STATE_CHANNEL}', $1) FROM deleted) notified)::int AS notified
`;

export const SELECT_VM_STATE = `
SELECT order_uid, ${CONTENT}, resource_version, observed_generation::text AS observed_generation, observed_at,
       deleted_at, created_at, updated_at
FROM vm_state WHERE order_uid = $1
`;

export const SELECT_VM_STATE_HISTORY = `
SELECT id::text AS id, order_uid, ${TRACKED}, resource_version, observed_generation::text AS observed_generation,
       observed_at, recorded_at
FROM vm_state_history WHERE order_uid = $1 ORDER BY id
`;
