// SSVirt's rows written the way SSVirt's GORM models write them, for the database, e2e and bench
// suites: GORM's Create inserts every column, except that a field tagged with a default and left
// at its zero value is left out (the column default applies: a VDC created with IsEnabled false
// comes out enabled, so disabling is a later Save); BeforeCreate hooks draw URN ids, fill
// display_name, the CPU/memory units and the VDC's namespace (SSVirt's rule, against the VDCs that
// are not deleted); Save updates updated_at; Delete is a soft delete (deleted_at only).
// Written for the tests from SSVirt's models; the project's own code does not use it.
import { randomUUID } from "node:crypto";
import { uniqueNamespaceName } from "../../src/ssvirt/model/namespace-name.ts";

export type Sql = <Row extends object = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<Row[]>;

export interface OrgRow {
  readonly id: string;
  readonly name: string;
}

export interface VdcRow {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly organizationId: string;
}

/** Columns and values, with GORM's rule for default-tagged zero values. */
function gormColumns(fields: [column: string, value: unknown, defaultTagged?: boolean][]): { columns: string; placeholders: string; values: unknown[] } {
  const kept = fields.filter(([, value, defaultTagged]) => !(defaultTagged && (value === 0 || value === false || value === "")));
  return { columns: kept.map(([column]) => column).join(", "), placeholders: kept.map((_, index) => `$${index + 1}`).join(", "), values: kept.map(([, value]) => value) };
}

export async function createOrganization(sql: Sql, input: { name: string; displayName?: string; description?: string; isEnabled?: boolean }): Promise<OrgRow> {
  const id = `urn:vcloud:org:${randomUUID()}`;
  const now = new Date();
  const insert = gormColumns([
    ["id", id],
    ["name", input.name],
    ["display_name", input.displayName || input.name],
    ["description", input.description ?? ""],
    ["is_enabled", input.isEnabled ?? true, true],
    ["can_manage_orgs", false, true],
    ["can_publish", false, true],
    ["masked_event_task_username", ""],
    ["created_at", now],
    ["updated_at", now],
    ["deleted_at", null],
  ]);
  await sql(`INSERT INTO organizations (${insert.columns}) VALUES (${insert.placeholders})`, insert.values);
  return { id, name: input.name };
}

export interface VdcInput {
  readonly name: string;
  readonly description?: string;
  readonly allocationModel?: string;
  readonly cpuLimit?: number;
  readonly cpuUnits?: string;
  readonly memoryLimit?: number;
  readonly memoryUnits?: string;
}

export async function createVdc(sql: Sql, organization: OrgRow, input: VdcInput): Promise<VdcRow> {
  const id = `urn:vcloud:vdc:${randomUUID()}`;
  const taken = new Set((await sql<{ namespace: string }>("SELECT namespace FROM vdcs WHERE deleted_at IS NULL")).map((row) => row.namespace));
  const namespace = uniqueNamespaceName(organization.name, input.name, (name) => taken.has(name));
  if (!namespace) throw new Error(`no namespace left for ${input.name}`);
  const now = new Date();
  const insert = gormColumns([
    ["id", id],
    ["name", input.name],
    ["description", input.description ?? ""],
    ["organization_id", organization.id],
    ["allocation_model", input.allocationModel ?? "PayAsYouGo"],
    ["cpu_allocated", 0, true],
    ["cpu_limit", input.cpuLimit ?? 0, true],
    ["cpu_units", input.cpuUnits || "MHz", true],
    ["memory_allocated", 0, true],
    ["memory_limit", input.memoryLimit ?? 0, true],
    ["memory_units", input.memoryUnits || "MB", true],
    ["provider_vdc_id", ""],
    ["provider_vdc_name", ""],
    ["nic_quota", 0, true],
    ["network_quota", 0, true],
    ["is_thin_provision", false, true],
    ["is_enabled", true, true],
    ["namespace", namespace],
    ["created_at", now],
    ["updated_at", now],
    ["deleted_at", null],
  ]);
  await sql(`INSERT INTO vdcs (${insert.columns}) VALUES (${insert.placeholders})`, insert.values);
  return { id, name: input.name, namespace, organizationId: organization.id };
}

/** `db.Save(vdc)` after changing fields: every given column and updated_at. */
export async function updateVdc(sql: Sql, id: string, changes: Record<string, unknown>): Promise<void> {
  const entries = Object.entries(changes);
  const assignments = entries.map(([column], index) => `${column} = $${index + 2}`).join(", ");
  await sql(`UPDATE vdcs SET ${assignments}${entries.length > 0 ? ", " : ""}updated_at = $${entries.length + 2} WHERE id = $1 AND deleted_at IS NULL`, [id, ...entries.map(([, value]) => value), new Date()]);
}

/** `db.Delete(vdc)`: GORM's soft delete. */
export async function softDeleteVdc(sql: Sql, id: string): Promise<void> {
  await sql("UPDATE vdcs SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL", [id, new Date()]);
}

export async function createVApp(sql: Sql, vdcId: string, name: string, status = "INSTANTIATING"): Promise<string> {
  const id = `urn:vcloud:vapp:${randomUUID()}`;
  const now = new Date();
  await sql("INSERT INTO v_apps (id, name, vdc_id, template_id, status, description, created_at, updated_at, deleted_at) VALUES ($1, $2, $3, NULL, $4, '', $5, $5, NULL)", [id, name, vdcId, status, now]);
  return id;
}

export async function createVm(sql: Sql, input: { vappId: string; vmName: string; namespace: string; status?: string; cpuCount?: number; memoryMb?: number; guestOs?: string }): Promise<string> {
  const id = `urn:vcloud:vm:${randomUUID()}`;
  const now = new Date();
  await sql(
    "INSERT INTO vms (id, name, description, vapp_id, vm_name, namespace, status, cpu_count, memory_mb, guest_os, created_at, updated_at, deleted_at) VALUES ($1, $2, '', $3, $4, $5, $6, $7, $8, $9, $10, $10, NULL)",
    [id, `VM-${input.vmName}`, input.vappId, input.vmName, input.namespace, input.status ?? "", input.cpuCount ?? null, input.memoryMb ?? null, input.guestOs ?? "", now],
  );
  return id;
}
