/**
 * SSVirt rows for the SSVirt benchmark, in bulk: VDCs as SSVirt writes them (one at a time, its
 * namespace rule), vApps and VM rows in one statement each. The timing trigger used to see when a
 * row's status changed is the benchmark's own, created in the benchmark's database only.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { createOrganization, createVdc, type OrgRow, type Sql, type VdcRow } from "../../test/support/ssvirt-rows.ts";

export interface SeededVm {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** The vApp's UUID when the VM carries the `vapp.ssvirt.io/vapp-id` label (half of them), else undefined (found by name). */
  readonly vappUuid: string | undefined;
}

export async function seedVdcs(sql: Sql, count: number, prefix: string): Promise<{ organization: OrgRow; vdcs: VdcRow[] }> {
  const organization = await createOrganization(sql, { name: `Bench ${prefix}` });
  const vdcs: VdcRow[] = [];
  for (let index = 0; index < count; index++) vdcs.push(await createVdc(sql, organization, { name: `vdc ${index}`, cpuLimit: 64, cpuUnits: "cores", memoryLimit: 262144 }));
  return { organization, vdcs };
}

/** `perVdc` VMs in each VDC, in vApps of `perVApp`; rows with an empty status, as before KubeVirt reported anything. */
export async function seedVms(sql: Sql, vdcs: readonly VdcRow[], perVdc: number, perVApp: number): Promise<SeededVm[]> {
  const vapps: { id: string; name: string; vdcId: string }[] = [];
  const vms: SeededVm[] = [];
  const vmVApp: string[] = [];
  for (const vdc of vdcs) {
    for (let index = 0; index < perVdc; index++) {
      if (index % perVApp === 0) vapps.push({ id: `urn:vcloud:vapp:${randomUUID()}`, name: `app-${index / perVApp}`, vdcId: vdc.id });
      const vapp = vapps[vapps.length - 1]!;
      vms.push({ id: `urn:vcloud:vm:${randomUUID()}`, namespace: vdc.namespace, name: `vm-${index}`, vappUuid: index % 2 === 0 ? vapp.id.split(":")[3] : undefined });
      vmVApp.push(vapp.id);
    }
  }
  await sql(
    "INSERT INTO v_apps (id, name, vdc_id, status, description, created_at, updated_at) SELECT id, name, vdc_id, 'INSTANTIATING', '', now(), now() FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, name, vdc_id)",
    [vapps.map((vapp) => vapp.id), vapps.map((vapp) => vapp.name), vapps.map((vapp) => vapp.vdcId)],
  );
  await sql(
    "INSERT INTO vms (id, name, description, vapp_id, vm_name, namespace, status, guest_os, created_at, updated_at) SELECT id, 'VM-' || vm_name, '', vapp_id, vm_name, namespace, '', '', now(), now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, vapp_id, vm_name, namespace)",
    [vms.map((vm) => vm.id), vmVApp, vms.map((vm) => vm.name), vms.map((vm) => vm.namespace)],
  );
  return vms;
}

/**
 * The benchmark's stopwatch and counters: every change of `vms.status` recorded with the
 * database's clock, and every row update of `vms` and `v_apps` counted (PostgreSQL's own
 * pg_stat counters reach other sessions up to seconds late).
 */
export async function installStatusStopwatch(client: pg.Pool): Promise<void> {
  await client.query(`
CREATE TABLE bench_status_changes (vm_id text NOT NULL, status text, at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE FUNCTION bench_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bench_status_changes (vm_id, status) VALUES (NEW.id, NEW.status);
  RETURN NULL;
END
$$;
CREATE TRIGGER bench_status_changed AFTER UPDATE ON vms FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION bench_status_changed();
CREATE TABLE bench_row_writes (table_name text NOT NULL);
CREATE FUNCTION bench_row_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bench_row_writes (table_name) VALUES (TG_TABLE_NAME);
  RETURN NULL;
END
$$;
CREATE TRIGGER bench_vms_written AFTER UPDATE ON vms FOR EACH ROW EXECUTE FUNCTION bench_row_written();
CREATE TRIGGER bench_vapps_written AFTER UPDATE ON v_apps FOR EACH ROW EXECUTE FUNCTION bench_row_written();`);
}

/** Rows updated in `vms` and `v_apps` so far (counted by the benchmark's triggers, exactly, at once). */
export async function rowUpdates(pool: pg.Pool): Promise<{ vms: number; vapps: number }> {
  const { rows } = await pool.query<{ table_name: string; count: string }>("SELECT table_name, count(*)::text AS count FROM bench_row_writes GROUP BY table_name");
  const map = new Map(rows.map((row) => [row.table_name, Number(row.count)]));
  return { vms: map.get("vms") ?? 0, vapps: map.get("v_apps") ?? 0 };
}
