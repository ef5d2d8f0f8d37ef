/**
 * The SQL of the VM status sync, on SSVirt's tables exactly (`vms`, `v_apps`, `vdcs`), in
 * SSVirt's terms: soft-deleted rows (`deleted_at IS NOT NULL`) are invisible, as under GORM's
 * default scope; "the first row" is the lowest `id`, as GORM's `First`.
 */

/**
 * Finds the VM's row (by `vapp.ssvirt.io/vapp-id` + `vm_name`, else by `namespace` + `vm_name`).
 * A label value cannot hold the `:` of a `urn:vcloud:vapp:<uuid>` id, so the label carries the
 * vApp's UUID (as SSVirt's namespace labels carry the VDC's): it matches `urn:vcloud:vapp:<label>`,
 * or the id itself where ids are not URNs. The row is updated only when something differs: `status`, and each of `cpu_count`, `memory_mb`,
 * `guest_os` that has a value (fields without one are left as they are, as SSVirt's
 * `UpdateVMData` does). `updated_at` moves only with a change.
 * Parameters: $1 vApp id or null, $2 namespace, $3 vm_name, $4 status, $5 cpu_count or null,
 * $6 memory_mb or null, $7 guest_os or null.
 * Returns no row when there is none; else the row's id, vApp id, previous status and whether it
 * was written.
 */
export const UPDATE_VM_ROW = `
WITH target AS (
  SELECT id, vapp_id, status FROM (
    SELECT id, vapp_id, status, 1 AS rank FROM vms
      WHERE deleted_at IS NULL AND $1::text IS NOT NULL AND vapp_id IN ($1::text, 'urn:vcloud:vapp:' || $1::text) AND vm_name = $3::text
    UNION ALL
    SELECT id, vapp_id, status, 2 AS rank FROM vms
      WHERE deleted_at IS NULL AND namespace = $2::text AND vm_name = $3::text
  ) candidates
  ORDER BY rank, id
  LIMIT 1
),
written AS (
  UPDATE vms SET
    status = $4::text,
    cpu_count = coalesce($5::bigint, vms.cpu_count),
    memory_mb = coalesce($6::bigint, vms.memory_mb),
    guest_os = coalesce($7::text, vms.guest_os),
    updated_at = now()
  FROM target
  WHERE vms.id = target.id
    AND (vms.status IS DISTINCT FROM $4::text
      OR ($5::bigint IS NOT NULL AND vms.cpu_count IS DISTINCT FROM $5::bigint)
      OR ($6::bigint IS NOT NULL AND vms.memory_mb IS DISTINCT FROM $6::bigint)
      OR ($7::text IS NOT NULL AND vms.guest_os IS DISTINCT FROM $7::text))
  RETURNING vms.id
)
SELECT t.id, t.vapp_id, t.status AS previous_status, (SELECT count(*) FROM written)::int AS written FROM target t`;

/** A VM's row by (namespace, vm_name), locking nothing. $1 namespace, $2 vm_name. */
export const SELECT_VM_BY_NAME = "SELECT id FROM vms WHERE deleted_at IS NULL AND namespace = $1 AND vm_name = $2 ORDER BY id LIMIT 1";

/** The VDC (not deleted) whose namespace this is. $1 namespace. */
export const SELECT_VDC_OF_NAMESPACE = "SELECT id FROM vdcs WHERE deleted_at IS NULL AND namespace = $1 ORDER BY id LIMIT 1";

/**
 * Creates the vApp a labelled VM names when the VDC has none by that name (SSVirt's
 * `findOrCreateVApp`: status INSTANTIATING). The unique index on (name, vdc_id) is not partial,
 * so a soft-deleted vApp of that name blocks it; the caller reads what is there.
 * $1 id, $2 name, $3 vdc_id, $4 description.
 */
export const INSERT_VAPP = `
INSERT INTO v_apps (id, name, vdc_id, status, description, created_at, updated_at)
VALUES ($1, $2, $3, 'INSTANTIATING', $4, now(), now())
ON CONFLICT (name, vdc_id) DO NOTHING`;

/** $1 vdc_id, $2 name. */
export const SELECT_VAPP_BY_NAME = "SELECT id, deleted_at FROM v_apps WHERE vdc_id = $1 AND name = $2 ORDER BY id LIMIT 1";

/**
 * A new VM row (SSVirt's `createVMRecord`: name `VM-<vm name>`), with the data already known.
 * $1 id, $2 name, $3 vapp_id, $4 vm_name, $5 namespace, $6 status, $7 cpu_count, $8 memory_mb, $9 guest_os.
 */
export const INSERT_VM = `
INSERT INTO vms (id, name, description, vapp_id, vm_name, namespace, status, cpu_count, memory_mb, guest_os, created_at, updated_at)
VALUES ($1, $2, '', $3, $4, $5, $6, $7::bigint, $8::bigint, coalesce($9::text, ''), now(), now())`;

/** Locks the vApp for the aggregation, so two of its VMs changing at once cannot both decide on a stale view. $1 id. */
export const LOCK_VAPP = "SELECT status FROM v_apps WHERE id = $1 AND deleted_at IS NULL FOR UPDATE";

/** The statuses of the vApp's VMs in id order (read after the lock, in a new snapshot). $1 vapp_id. */
export const SELECT_VAPP_VM_STATUSES = "SELECT status FROM vms WHERE vapp_id = $1 AND deleted_at IS NULL ORDER BY id";

/** $1 id, $2 status. */
export const UPDATE_VAPP_STATUS = "UPDATE v_apps SET status = $2, updated_at = now() WHERE id = $1 AND status IS DISTINCT FROM $2";
