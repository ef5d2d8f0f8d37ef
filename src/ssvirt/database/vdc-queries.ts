import type { SqlQueryable } from "../../platform/database/sql-session.ts";
import type { OrganizationRecord, VdcView } from "../model/records.ts";
import { toDateOrNull, toInteger } from "./rows.ts";

/**
 * A summary that changes whenever SSVirt (GORM) writes a VDC or an organization: GORM sets
 * `updated_at` on every create and update, `deleted_at` on a soft delete, and a hard delete changes
 * the count; the sum of the `updated_at` epochs also moves when a write sets an older time. One
 * aggregate over each table (docs/adr/0022: measured at well under a millisecond for thousands
 * of rows). Writes that bypass GORM and leave `updated_at` alone are caught by the periodic full
 * read.
 */
export const VDC_FINGERPRINT = `
SELECT concat_ws('|',
  (SELECT concat_ws('/', count(*), max(updated_at), max(deleted_at), sum(extract(epoch FROM updated_at)), sum(extract(epoch FROM deleted_at))) FROM vdcs),
  (SELECT concat_ws('/', count(*), max(updated_at), max(deleted_at), sum(extract(epoch FROM updated_at)), sum(extract(epoch FROM deleted_at))) FROM organizations)
) AS fingerprint`;

/** Every VDC row, deleted ones included (their namespaces may still have to go), with its organization. */
export const SELECT_VDCS = `
SELECT v.id, v.name, coalesce(v.description, '') AS description, v.organization_id,
       coalesce(v.allocation_model, '') AS allocation_model,
       coalesce(v.cpu_limit, 0)::text AS cpu_limit, coalesce(v.cpu_units, '') AS cpu_units,
       coalesce(v.memory_limit, 0)::text AS memory_limit, coalesce(v.memory_units, '') AS memory_units,
       coalesce(v.is_enabled, false) AS is_enabled, coalesce(v.namespace, '') AS namespace,
       v.updated_at, v.deleted_at,
       o.id AS org_id, coalesce(o.name, '') AS org_name, coalesce(o.display_name, '') AS org_display_name,
       coalesce(o.description, '') AS org_description, coalesce(o.is_enabled, false) AS org_is_enabled, o.deleted_at AS org_deleted_at
FROM vdcs v LEFT JOIN organizations o ON o.id = v.organization_id
ORDER BY v.id`;

interface VdcColumns {
  id: string;
  name: string;
  description: string;
  organization_id: string;
  allocation_model: string;
  cpu_limit: string;
  cpu_units: string;
  memory_limit: string;
  memory_units: string;
  is_enabled: boolean;
  namespace: string;
  updated_at: unknown;
  deleted_at: unknown;
  org_id: string | null;
  org_name: string;
  org_display_name: string;
  org_description: string;
  org_is_enabled: boolean;
  org_deleted_at: unknown;
}

export async function readVdcFingerprint(db: SqlQueryable): Promise<string> {
  const [row] = await db.query<{ fingerprint: string }>(VDC_FINGERPRINT);
  return row?.fingerprint ?? "";
}

export async function readVdcViews(db: SqlQueryable): Promise<VdcView[]> {
  const rows = await db.query<VdcColumns>(SELECT_VDCS);
  return rows.map((row) => {
    const organization: OrganizationRecord | undefined =
      row.org_id === null
        ? undefined
        : { id: row.org_id, name: row.org_name, displayName: row.org_display_name, description: row.org_description, isEnabled: row.org_is_enabled, deletedAt: toDateOrNull(row.org_deleted_at) };
    return {
      vdc: {
        id: row.id,
        name: row.name,
        description: row.description,
        organizationId: row.organization_id,
        allocationModel: row.allocation_model,
        cpuLimit: toInteger(row.cpu_limit),
        cpuUnits: row.cpu_units,
        memoryLimit: toInteger(row.memory_limit),
        memoryUnits: row.memory_units,
        isEnabled: row.is_enabled,
        namespace: row.namespace,
        updatedAt: toDateOrNull(row.updated_at),
        deletedAt: toDateOrNull(row.deleted_at),
      },
      organization,
    };
  });
}

/**
 * The VMs SSVirt's database believes exist in each of `namespaces` (rows not deleted whose status
 * is not DELETED), by namespace: what the render mode knows of a deleted VDC's VMs.
 */
export async function readVmNamesByNamespace(db: SqlQueryable, namespaces: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (namespaces.length === 0) return result;
  const rows = await db.query<{ namespace: string; vm_name: string | null; name: string }>(
    "SELECT namespace, vm_name, name FROM vms WHERE deleted_at IS NULL AND namespace = ANY($1::text[]) AND coalesce(status, '') <> 'DELETED' ORDER BY namespace, id",
    [namespaces],
  );
  for (const row of rows) {
    const list = result.get(row.namespace) ?? [];
    list.push(row.vm_name || row.name);
    result.set(row.namespace, list);
  }
  return result;
}
