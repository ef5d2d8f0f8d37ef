// The SSVirt database contract, run against PostgreSQL 15 loaded with the DDL SSVirt's GORM issues
// (reference, read at test time) and against the embedded PGlite bootstrapped by this project.
// Rows are written as SSVirt writes them (test/support/ssvirt-rows.ts).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { SqlSession } from "../../../src/platform/database/sql-session.ts";
import { insertVdc } from "../../../src/ssvirt/database/insert-vdc.ts";
import { prepareSsvirtSchema } from "../../../src/ssvirt/database/open-database.ts";
import { readVdcFingerprint, readVdcViews, readVmNamesByNamespace } from "../../../src/ssvirt/database/vdc-queries.ts";
import { VAppNameTakenError, writeVmObservation } from "../../../src/ssvirt/database/vm-row-writer.ts";
import type { VmObservation } from "../../../src/ssvirt/status/vm-observation.ts";
import { createOrganization, createVApp, createVdc, createVm, softDeleteVdc, updateVdc, type Sql } from "../../support/ssvirt-rows.ts";

export interface SsvirtDbHarness {
  readonly backend: "pglite" | "postgres";
  /** A session on a database that holds SSVirt's schema (or, for PGlite, gets it from prepareSsvirtSchema). */
  readonly session: SqlSession;
  readonly sql: Sql;
}

function observation(overrides: Partial<VmObservation> & Pick<VmObservation, "namespace" | "name">): VmObservation {
  return { vappId: undefined, vappName: undefined, status: "POWERED_ON", data: {}, ...overrides };
}

export function describeSsvirtDatabaseContract(harness: () => SsvirtDbHarness): void {
  const unique = () => randomUUID().slice(0, 8);
  const setup = async () => {
    const { sql } = harness();
    const organization = await createOrganization(sql, { name: `Org ${unique()}` });
    const vdc = await createVdc(sql, organization, { name: "Prod", cpuLimit: 8, cpuUnits: "cores", memoryLimit: 16384 });
    const vappId = await createVApp(sql, vdc.id, `app-${unique()}`);
    return { organization, vdc, vappId };
  };
  const vmRow = async (id: string) => {
    const [row] = await harness().sql<{ status: string | null; cpu_count: string | null; memory_mb: string | null; guest_os: string | null; updated_at: Date; vapp_id: string; name: string }>(
      "SELECT status, cpu_count::text, memory_mb::text, guest_os, updated_at, vapp_id, name FROM vms WHERE id = $1",
      [id],
    );
    return row!;
  };
  const vappStatus = async (id: string) => (await harness().sql<{ status: string }>("SELECT status FROM v_apps WHERE id = $1", [id]))[0]?.status;

  describe("schema", () => {
    it("GIVEN the database WHEN the schema is prepared THEN every column this project uses is there (and the embedded one is created once)", async () => {
      const first = await prepareSsvirtSchema(harness().session);
      const second = await prepareSsvirtSchema(harness().session);
      expect(second.created).toBe(false);
      if (harness().backend === "postgres") expect(first.created).toBe(false);
    });
  });

  describe("VDC rows", () => {
    it("GIVEN VDCs written as SSVirt writes them THEN they read back with their organization, units and namespace", async () => {
      const { organization, vdc } = await setup();
      const views = await readVdcViews(harness().session);
      const found = views.find((entry) => entry.vdc.id === vdc.id)!;
      expect(found.vdc).toMatchObject({ name: "Prod", namespace: vdc.namespace, cpuLimit: 8, cpuUnits: "cores", memoryLimit: 16384, memoryUnits: "MB", isEnabled: true, deletedAt: null, allocationModel: "PayAsYouGo" });
      expect(found.organization).toMatchObject({ id: organization.id, name: organization.name, displayName: organization.name, isEnabled: true, deletedAt: null });
      expect(vdc.namespace).toBe(`vdc-${organization.name.toLowerCase().replaceAll(" ", "")}-prod`);
    });

    it("GIVEN the fingerprint WHEN a VDC is created, saved, soft-deleted or its organization changes THEN it changes, and only then", async () => {
      const { session, sql } = harness();
      const before = await readVdcFingerprint(session);
      expect(await readVdcFingerprint(session)).toBe(before);
      const { organization, vdc } = await setup();
      const created = await readVdcFingerprint(session);
      expect(created).not.toBe(before);
      await updateVdc(sql, vdc.id, { is_enabled: false });
      const disabled = await readVdcFingerprint(session);
      expect(disabled).not.toBe(created);
      await softDeleteVdc(sql, vdc.id);
      const deleted = await readVdcFingerprint(session);
      expect(deleted).not.toBe(disabled);
      await sql("UPDATE organizations SET display_name = 'x', updated_at = $2 WHERE id = $1", [organization.id, new Date()]);
      expect(await readVdcFingerprint(session)).not.toBe(deleted);
    });

    it("GIVEN a disabled and a deleted VDC THEN they read back as such (deleted rows are read too)", async () => {
      const { sql, session } = harness();
      const { vdc } = await setup();
      await updateVdc(sql, vdc.id, { is_enabled: false });
      expect((await readVdcViews(session)).find((entry) => entry.vdc.id === vdc.id)!.vdc.isEnabled).toBe(false);
      await softDeleteVdc(sql, vdc.id);
      expect((await readVdcViews(session)).find((entry) => entry.vdc.id === vdc.id)!.vdc.deletedAt).toBeInstanceOf(Date);
    });

    it("GIVEN insertVdc twice for the same names THEN the second gets SSVirt's -1 suffix, and a deleted one frees its name", async () => {
      const { session } = harness();
      const organization = `Local ${unique()}`;
      const first = await insertVdc(session, { organization, name: "Dev Team" });
      const second = await insertVdc(session, { organization, name: "Dev Team", cpuLimit: 2, cpuUnits: "cores", enabled: false });
      const base = `vdc-${organization.toLowerCase().replaceAll(" ", "")}-devteam`;
      expect([first.namespace, second.namespace]).toEqual([base, `${base}-1`]);
      expect(second.organizationId).toBe(first.organizationId);
      await softDeleteVdc(harness().sql, first.id);
      expect((await insertVdc(session, { organization, name: "Dev Team" })).namespace).toBe(base);
      const views = await readVdcViews(session);
      expect(views.find((entry) => entry.vdc.id === second.id)!.vdc).toMatchObject({ isEnabled: false, cpuLimit: 2, cpuUnits: "cores" });
    });
  });

  describe("VM status rows", () => {
    it("GIVEN a row found by (namespace, vm_name) WHEN the observation is written twice THEN the second writes nothing (updated_at unchanged)", async () => {
      const { vdc, vappId } = await setup();
      const id = await createVm(harness().sql, { vappId, vmName: "web-1", namespace: vdc.namespace });
      const first = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "web-1", data: { cpuCount: 2, memoryMb: 2048, guestOs: "Fedora" } }));
      expect(first).toMatchObject({ outcome: "updated", vmId: id, previousStatus: "" });
      const written = await vmRow(id);
      expect(written).toMatchObject({ status: "POWERED_ON", cpu_count: "2", memory_mb: "2048", guest_os: "Fedora" });
      const second = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "web-1", data: { cpuCount: 2, memoryMb: 2048, guestOs: "Fedora" } }));
      expect(second.outcome).toBe("unchanged");
      expect((await vmRow(id)).updated_at.getTime()).toBe(written.updated_at.getTime());
    });

    it("GIVEN fields without a value THEN they are left as they are, as SSVirt's UpdateVMData does", async () => {
      const { vdc, vappId } = await setup();
      const id = await createVm(harness().sql, { vappId, vmName: "db-1", namespace: vdc.namespace, status: "POWERED_ON", cpuCount: 4, memoryMb: 8192, guestOs: "RHEL 9" });
      const result = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "db-1", status: "POWERED_OFF" }));
      expect(result.outcome).toBe("updated");
      expect(await vmRow(id)).toMatchObject({ status: "POWERED_OFF", cpu_count: "4", memory_mb: "8192", guest_os: "RHEL 9" });
    });

    it("GIVEN the vApp label THEN the row is found by (vapp_id, vm_name) before (namespace, vm_name)", async () => {
      const { vdc, vappId } = await setup();
      const other = await createVApp(harness().sql, vdc.id, `other-${unique()}`);
      const byName = await createVm(harness().sql, { vappId: other, vmName: "app", namespace: vdc.namespace });
      const byVApp = await createVm(harness().sql, { vappId, vmName: "app", namespace: "somewhere-else" });
      const result = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "app", vappId, status: "SUSPENDED" }));
      expect(result.vmId).toBe(byVApp);
      expect((await vmRow(byVApp)).status).toBe("SUSPENDED");
      expect((await vmRow(byName)).status).toBe("");
      // A label cannot hold the URN's colons: the label's value is the vApp's UUID.
      const byUuid = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "app", vappId: vappId.split(":")[3], status: "POWERED_OFF" }));
      expect(byUuid).toMatchObject({ vmId: byVApp, outcome: "updated" });
      const fallback = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "app", vappId: "none", status: "ERROR" }));
      expect(fallback.vmId).toBe(byName);
    });

    it("GIVEN no row and no vapp.ssvirt label, or a soft-deleted row THEN the VM is not SSVirt's and nothing is written", async () => {
      const { vdc, vappId } = await setup();
      expect((await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "stray" }))).outcome).toBe("unmanaged");
      const id = await createVm(harness().sql, { vappId, vmName: "gone", namespace: vdc.namespace, status: "POWERED_ON" });
      await harness().sql("UPDATE vms SET deleted_at = now() WHERE id = $1", [id]);
      expect((await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "gone", status: "POWERED_OFF" }))).outcome).toBe("unmanaged");
      expect((await vmRow(id)).status).toBe("POWERED_ON");
      expect((await writeVmObservation(harness().session, observation({ namespace: "not-a-vdc", name: "x", vappName: "app" }))).outcome).toBe("unmanaged");
    });

    it("GIVEN a VM labelled vapp.ssvirt in a VDC namespace without a row THEN a row VM-<name> and its vApp (INSTANTIATING, then aggregated) are created", async () => {
      const { vdc } = await setup();
      const vappName = `tpl-${unique()}`;
      const created = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "made", vappName, status: "STARTING", data: { cpuCount: 1, memoryMb: 1024 } }));
      expect(created.outcome).toBe("created");
      expect(created.vmId).toMatch(/^urn:vcloud:vm:[0-9a-f-]{36}$/);
      expect(created.vappId).toMatch(/^urn:vcloud:vapp:[0-9a-f-]{36}$/);
      expect(await vmRow(created.vmId!)).toMatchObject({ name: "VM-made", status: "STARTING", cpu_count: "1", memory_mb: "1024", vapp_id: created.vappId });
      expect(created.vappStatus).toEqual({ from: "INSTANTIATING", to: "DEPLOYED" });
      const again = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "made", vappName, status: "STARTING", data: { cpuCount: 1, memoryMb: 1024 } }));
      expect(again).toMatchObject({ outcome: "unchanged", vmId: created.vmId });
      const second = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "made-2", vappName, status: "STARTING" }));
      expect(second).toMatchObject({ outcome: "created", vappId: created.vappId });
    });

    it("GIVEN a soft-deleted vApp holding the name THEN no row is made and the error says why", async () => {
      const { vdc } = await setup();
      const vappName = `old-${unique()}`;
      const old = await createVApp(harness().sql, vdc.id, vappName);
      await harness().sql("UPDATE v_apps SET deleted_at = now() WHERE id = $1", [old]);
      await expect(writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "x", vappName }))).rejects.toThrow(VAppNameTakenError);
      expect(await harness().sql("SELECT id FROM vms WHERE vm_name = 'x' AND namespace = $1", [vdc.namespace])).toEqual([]);
    });

    it("GIVEN a vApp of two VMs THEN it goes INSTANTIATING → DEPLOYED → DELETING as their statuses go", async () => {
      const { vdc, vappId } = await setup();
      const a = await createVm(harness().sql, { vappId, vmName: "a", namespace: vdc.namespace });
      await createVm(harness().sql, { vappId, vmName: "b", namespace: vdc.namespace });
      expect((await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "a" }))).vappStatus).toBeUndefined();
      expect(await vappStatus(vappId)).toBe("INSTANTIATING");
      const deployed = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "b", status: "STARTING" }));
      expect(deployed.vappStatus).toEqual({ from: "INSTANTIATING", to: "DEPLOYED" });
      await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "b", status: "POWERED_ON" }));
      expect(await vappStatus(vappId)).toBe("DEPLOYED");
      const deleting = await writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name: "a", status: "DELETED" }));
      expect(deleting).toMatchObject({ vmId: a, vappStatus: { from: "DEPLOYED", to: "DELETING" } });
      expect(await vappStatus(vappId)).toBe("DELETING");
    });

    it("GIVEN many VMs of one vApp written concurrently THEN the vApp's status reflects all of them", async () => {
      const { vdc, vappId } = await setup();
      const names = Array.from({ length: 12 }, (_, index) => `c-${index}`);
      for (const name of names) await createVm(harness().sql, { vappId, vmName: name, namespace: vdc.namespace });
      await Promise.all(names.map((name) => writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name, status: "POWERED_ON" }))));
      expect(await vappStatus(vappId)).toBe("DEPLOYED");
      await Promise.all(names.map((name) => writeVmObservation(harness().session, observation({ namespace: vdc.namespace, name, status: "DELETED" }))));
      expect(await vappStatus(vappId)).toBe("DELETING");
    });

    it("GIVEN VM rows in namespaces THEN the render mode's view lists those not deleted", async () => {
      const { vdc, vappId } = await setup();
      await createVm(harness().sql, { vappId, vmName: "live", namespace: vdc.namespace, status: "POWERED_ON" });
      await createVm(harness().sql, { vappId, vmName: "dead", namespace: vdc.namespace, status: "DELETED" });
      const soft = await createVm(harness().sql, { vappId, vmName: "soft", namespace: vdc.namespace, status: "POWERED_ON" });
      await harness().sql("UPDATE vms SET deleted_at = now() WHERE id = $1", [soft]);
      expect(await readVmNamesByNamespace(harness().session, [vdc.namespace, "empty-ns"])).toEqual(new Map([[vdc.namespace, ["live"]]]));
    });
  });
}
