import { createHash } from "node:crypto";
import { FULFILLMENT_STATES, POWER_STATUSES } from "./vm-state.ts";
import { MigrationError, StatusStoreError } from "./errors.ts";
import type { SqlSession } from "./sql-session.ts";

/**
 * One schema step. Never edit a released migration (its checksum is recorded and checked at
 * start-up); add a new one. Each must be valid on PostgreSQL 15 and PGlite (PostgreSQL 18), and
 * keep the previous release working (rolling updates run old and new replicas side by side).
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(", ");

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "vm_state (current state per order) and vm_state_history (append-only transitions)",
    sql: `
CREATE TABLE vm_state (
  order_uid                 text        PRIMARY KEY,
  virtualmachine_uuid       text,
  namespace                 text        NOT NULL,
  name                      text        NOT NULL,
  state                     text        NOT NULL CHECK (state IN (${quoted(FULFILLMENT_STATES)})),
  power_status              text        NOT NULL CHECK (power_status IN (${quoted(POWER_STATUSES)})),
  ip_addresses              text[]      NOT NULL DEFAULT '{}',
  conditions                jsonb       NOT NULL DEFAULT '[]',
  desired_config_version    text,
  reconciled_config_version text,
  resource_version          text        NOT NULL,
  observed_generation       bigint      NOT NULL CHECK (observed_generation >= 0),
  observed_at               timestamptz NOT NULL,
  deleted_at                timestamptz,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vm_state_virtualmachine_uuid_idx ON vm_state (virtualmachine_uuid) WHERE virtualmachine_uuid IS NOT NULL;
CREATE INDEX vm_state_namespace_name_idx ON vm_state (namespace, name);

CREATE TABLE vm_state_history (
  id                        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_uid                 text        NOT NULL,
  state                     text        NOT NULL,
  power_status              text        NOT NULL,
  ip_addresses              text[]      NOT NULL,
  desired_config_version    text,
  reconciled_config_version text,
  resource_version          text        NOT NULL,
  observed_generation       bigint      NOT NULL,
  observed_at               timestamptz NOT NULL,
  recorded_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vm_state_history_order_uid_idx ON vm_state_history (order_uid, id);

CREATE FUNCTION vm_state_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'vm_state_history is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER vm_state_history_append_only BEFORE UPDATE OR DELETE ON vm_state_history
  FOR EACH ROW EXECUTE FUNCTION vm_state_history_append_only();
`,
  },
  {
    version: 2,
    description: "vm_state.hub: the hub the order's children run on (nullable: single-cluster rows and old writers leave it NULL)",
    // Rolling-upgrade safe: a nullable column without a default is a catalog-only change, the
    // previous release names its columns (never SELECT *) and its upsert leaves the column as it is.
    sql: `
ALTER TABLE vm_state ADD COLUMN hub text;
CREATE INDEX vm_state_hub_idx ON vm_state (hub) WHERE hub IS NOT NULL;
`,
  },
];

export interface MigrationReport {
  /** Versions this call applied (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** Highest version recorded in the database afterwards. */
  readonly currentVersion: number;
}

/**
 * Serialises migrators across replicas: every migration transaction takes this transaction-level
 * advisory lock first, so two replicas starting together apply each step once, in order.
 */
const LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('osac-vm-gitops:schema_migrations', 0))";
const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer     PRIMARY KEY,
  description text        NOT NULL,
  checksum    text        NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
)`;

interface RecordedMigration {
  version: number;
  checksum: string;
}

/** Brings the schema up to date: each pending migration in its own transaction. Idempotent. */
export async function runMigrations(session: SqlSession, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  checkSequence(migrations);
  const recorded = await session.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.exec(BOOTSTRAP);
    return tx.query<RecordedMigration>("SELECT version, checksum FROM schema_migrations ORDER BY version");
  });
  const known = new Map(recorded.map((row) => [Number(row.version), row.checksum]));
  for (const migration of migrations) {
    const checksum = known.get(migration.version);
    if (checksum !== undefined && checksum !== checksumOf(migration)) {
      throw new MigrationError(
        `Migration ${migration.version} (${migration.description}) differs from the one applied to this database; ` +
          "released migrations must not be edited: add a new migration instead",
        { version: migration.version },
      );
    }
  }

  const applied: number[] = [];
  for (const migration of migrations.filter((m) => !known.has(m.version))) {
    try {
      const didApply = await session.transaction(async (tx) => {
        await tx.query(LOCK);
        const done = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version]);
        if (done.length > 0) return false; // another replica applied it while we waited for the lock
        await tx.exec(migration.sql);
        await tx.query("INSERT INTO schema_migrations (version, description, checksum) VALUES ($1, $2, $3)", [
          migration.version,
          migration.description,
          checksumOf(migration),
        ]);
        return true;
      });
      if (didApply) applied.push(migration.version);
    } catch (error) {
      if (error instanceof StatusStoreError && error.retryable) throw error;
      throw new MigrationError(`Migration ${migration.version} (${migration.description}) failed: ${(error as Error).message}`, {
        cause: error,
        version: migration.version,
      });
    }
  }
  const [current] = await session.query<{ version: number | null }>("SELECT max(version) AS version FROM schema_migrations");
  return { applied, currentVersion: Number(current?.version ?? 0) };
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(`Migrations must be numbered 1, 2, 3, ... in order; found ${migration.version} at position ${index + 1}`, {
        version: migration.version,
      });
    }
  });
}

function checksumOf(migration: Migration): string {
  return createHash("sha256").update(migration.sql).digest("hex");
}
