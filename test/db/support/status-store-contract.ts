// The StatusStore contract, run unchanged against every backend (PGlite and PostgreSQL 15).
// Each backend's test file provides a harness; the tests share one database and use fresh order
// uids, so they do not depend on each other, except the outage test, which runs last.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DatabaseUnavailableError,
  InvalidVmStateError,
  MIGRATIONS,
  MigrationError,
  type MigrationReport,
  type SqlStatusStoreOptions,
  type StatusStore,
  type VmStateChange,
  type VmStateRow,
} from "../../../src/platform/database/index.ts";

export interface StoreHarness {
  readonly backend: "pglite" | "postgres";
  /** A store on the shared test database (migrations not applied); closed by the harness. */
  openStore(options?: SqlStatusStoreOptions): Promise<StatusStore>;
  /** One statement straight on the database, not through a store. */
  sql<Row extends object>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Makes the database unreachable: the server stops (PostgreSQL) or the engine closes (PGlite). */
  stopDatabase(): Promise<void>;
  /** Brings the database back; resolves to the store to continue with (the same one for PostgreSQL). */
  restartDatabase(store: StatusStore): Promise<StatusStore>;
}

export function row(overrides: Partial<VmStateRow> = {}): VmStateRow {
  return {
    orderUid: randomUUID(),
    virtualMachineUuid: "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11",
    namespace: "cloudkit-vm-orders",
    name: "vm-x7k2q",
    state: "PROGRESSING",
    powerStatus: "STARTING",
    ipAddresses: [],
    conditions: [{ type: "Accepted", status: "True", reason: "Valid", message: "", lastTransitionTime: "2025-12-01T10:00:00Z", observedGeneration: 1 }],
    desiredConfigVersion: "1235a48e65b9b809",
    reconciledConfigVersion: null,
    resourceVersion: "1001",
    observedGeneration: 1,
    observedAt: new Date("2025-12-01T10:00:00.000Z"),
    ...overrides,
  };
}

const at = (seconds: number) => new Date(Date.UTC(2025, 11, 1, 10, 0, seconds));

export async function eventually<T>(probe: () => Promise<T> | T, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export function describeStatusStoreContract(harness: () => StoreHarness): void {
  let h: StoreHarness;
  let store: StatusStore;
  let firstReports: MigrationReport[];
  const events: VmStateChange[] = [];
  let unlisten: (() => Promise<void>) | undefined;

  const changesOf = (orderUid: string) => events.filter((event) => event.kind === "changed" && event.orderUid === orderUid).length;
  const historyCount = async (orderUid: string) => (await store.listHistory(orderUid)).length;

  beforeAll(async () => {
    h = harness();
    const [first, second] = [await h.openStore(), await h.openStore()];
    // Two replicas starting together on an empty database.
    firstReports = await Promise.all([first.migrate(), second.migrate()]);
    store = first;
    unlisten = await store.listen((change) => events.push(change));
  });

  afterAll(async () => {
    await unlisten?.().catch(() => undefined); // the outage test may have closed the engine under it
  });

  describe("migrations", () => {
    it("GIVEN two stores migrating an empty database at once THEN each migration was applied exactly once", async () => {
      expect(firstReports.flatMap((report) => report.applied)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(firstReports.map((report) => report.currentVersion)).toEqual([MIGRATIONS.length, MIGRATIONS.length]);
      const recorded = await h.sql<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(recorded.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it("WHEN migrate runs twice more THEN nothing is applied and nothing fails", async () => {
      expect(await store.migrate()).toEqual({ applied: [], currentVersion: MIGRATIONS.length });
      expect(await store.migrate()).toEqual({ applied: [], currentVersion: MIGRATIONS.length });
    });

    it("GIVEN a newer release with one more migration THEN only that one is applied, once, and the older release still starts", async () => {
      const extra = { version: MIGRATIONS.length + 1, description: "test: an extra table", sql: "CREATE TABLE contract_extra (id int PRIMARY KEY);" };
      const newer = await h.openStore({ migrations: [...MIGRATIONS, extra] });
      expect(await newer.migrate()).toEqual({ applied: [extra.version], currentVersion: extra.version });
      expect(await newer.migrate()).toEqual({ applied: [], currentVersion: extra.version });
      expect(await store.migrate()).toEqual({ applied: [], currentVersion: extra.version });

      const edited = await h.openStore({ migrations: [...MIGRATIONS, { ...extra, sql: `${extra.sql} -- edited` }] });
      const error = await edited.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error).toMatchObject({ version: extra.version, code: "DATABASE_MIGRATION_FAILED" });
      expect((error as Error).message).toMatch(/must not be edited/);
    });

    it("GIVEN a migration that fails half-way THEN none of it is applied or recorded", async () => {
      const version = MIGRATIONS.length + 2;
      const broken = {
        version,
        description: "test: fails after its first statement",
        sql: "CREATE TABLE contract_half (id int); SELECT no_such_function();",
      };
      const extra = { version: MIGRATIONS.length + 1, description: "test: an extra table", sql: "CREATE TABLE contract_extra (id int PRIMARY KEY);" };
      const failing = await h.openStore({ migrations: [...MIGRATIONS, extra, broken] });
      const error = await failing.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error).toMatchObject({ version });
      expect((error as Error).message).toMatch(/no_such_function/);
      const [table] = await h.sql<{ exists: string | null }>("SELECT to_regclass('contract_half')::text AS exists");
      expect(table?.exists).toBeNull();
      expect(await h.sql("SELECT 1 FROM schema_migrations WHERE version = $1", [version])).toHaveLength(0);
    });
  });

  describe("upsertVmState", () => {
    it("GIVEN a new order THEN the row is inserted with every field, one history row is appended and NOTIFY carries the uid", async () => {
      const written = row({ ipAddresses: ["10.128.0.7", "192.0.2.10"], reconciledConfigVersion: "1235a48e65b9b809" });
      expect(await store.upsertVmState(written)).toEqual({ outcome: "inserted", changed: true, historyAppended: true });
      const stored = await store.getVmState(written.orderUid);
      expect(stored).toMatchObject({ ...written, deletedAt: null });
      expect(stored?.createdAt).toBeInstanceOf(Date);
      expect(await historyCount(written.orderUid)).toBe(1);
      await eventually(() => expect(changesOf(written.orderUid)).toBe(1), 5_000, "the NOTIFY of the insert");
    });

    it("GIVEN an identical write THEN it is a no-op: no change, no history row, no NOTIFY, updated_at kept", async () => {
      const written = row();
      await store.upsertVmState(written);
      const before = await store.getVmState(written.orderUid);
      expect(await store.upsertVmState(written)).toEqual({ outcome: "unchanged", changed: false, historyAppended: false });
      expect(await store.upsertVmState({ ...written, conditions: [...written.conditions] })).toMatchObject({ outcome: "unchanged" });
      expect((await store.getVmState(written.orderUid))?.updatedAt).toEqual(before?.updatedAt);
      expect(await historyCount(written.orderUid)).toBe(1);
      // A later change of another order is the barrier: its NOTIFY arrives after any of ours would have.
      const barrier = row();
      await store.upsertVmState(barrier);
      await eventually(() => expect(changesOf(barrier.orderUid)).toBe(1), 5_000, "the barrier NOTIFY");
      expect(changesOf(written.orderUid)).toBe(1);
    });

    it("GIVEN a newer observation with the same content THEN only the ordering key moves (outcome observed, no history, no NOTIFY)", async () => {
      const written = row();
      await store.upsertVmState(written);
      const later = { ...written, observedAt: at(30), resourceVersion: "1002" };
      expect(await store.upsertVmState(later)).toEqual({ outcome: "observed", changed: false, historyAppended: false });
      expect(await store.getVmState(written.orderUid)).toMatchObject({ observedAt: at(30), resourceVersion: "1002" });
      expect(await historyCount(written.orderUid)).toBe(1);
      // The moved key now rejects an observation made in between.
      expect((await store.upsertVmState({ ...written, state: "FAILED", observedAt: at(20) })).outcome).toBe("stale");
    });

    it("GIVEN observations arriving out of order THEN an older one never overwrites a newer one; generation outranks time", async () => {
      const base = row();
      const steps: [Partial<VmStateRow>, string, string][] = [
        [{ observedGeneration: 1, observedAt: at(3), state: "READY", powerStatus: "POWERED_ON" }, "inserted", "READY"],
        [{ observedGeneration: 1, observedAt: at(2), state: "FAILED", powerStatus: "ERROR" }, "stale", "READY"],
        [{ observedGeneration: 1, observedAt: at(3), state: "FAILED", powerStatus: "ERROR" }, "updated", "FAILED"], // same key: last writer wins
        [{ observedGeneration: 2, observedAt: at(1), state: "PROGRESSING", powerStatus: "STARTING" }, "updated", "PROGRESSING"],
        [{ observedGeneration: 1, observedAt: at(9), state: "READY", powerStatus: "POWERED_ON" }, "stale", "PROGRESSING"],
      ];
      for (const [overrides, outcome, state] of steps) {
        expect((await store.upsertVmState({ ...base, ...overrides })).outcome, JSON.stringify(overrides)).toBe(outcome);
        expect((await store.getVmState(base.orderUid))?.state).toBe(state);
      }
      expect((await store.listHistory(base.orderUid)).map((entry) => entry.state)).toEqual(["READY", "FAILED", "PROGRESSING"]);
    });

    it("GIVEN any set of observations applied in any order THEN the stored row is the newest one", async () => {
      const observation = fc.record({ generation: fc.integer({ min: 1, max: 3 }), second: fc.integer({ min: 0, max: 20 }) });
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(observation, { minLength: 1, maxLength: 6, selector: (o) => `${o.generation}/${o.second}` }), async (observations) => {
          const orderUid = randomUUID();
          const rows = observations.map((o) =>
            row({
              orderUid,
              observedGeneration: o.generation,
              observedAt: at(o.second),
              resourceVersion: `${o.generation}-${o.second}`,
              ipAddresses: [`10.0.${o.generation}.${o.second}`],
            }),
          );
          for (const r of rows) await store.upsertVmState(r);
          const newest = [...rows].sort((a, b) => a.observedGeneration - b.observedGeneration || a.observedAt.getTime() - b.observedAt.getTime()).at(-1)!;
          const stored = await store.getVmState(orderUid);
          expect(stored).toMatchObject({ resourceVersion: newest.resourceVersion, ipAddresses: newest.ipAddresses });
        }),
        { numRuns: 15 },
      );
    });

    it("WHEN state, power, addresses or versions change THEN one history row each; a conditions-only change updates without history", async () => {
      const base = row();
      await store.upsertVmState(base);
      const changes: [Partial<VmStateRow>, boolean][] = [
        [{ state: "READY" }, true],
        [{ powerStatus: "POWERED_ON" }, true],
        [{ ipAddresses: ["10.128.0.7"] }, true],
        [{ ipAddresses: ["10.128.0.7", "192.0.2.10"] }, true],
        [{ reconciledConfigVersion: "1235a48e65b9b809" }, true],
        [{ desiredConfigVersion: "00000000000000ff" }, true],
        [{ conditions: [{ type: "Available", status: "True", reason: "VirtualMachineReady", message: "", lastTransitionTime: "2025-12-01T10:05:00Z" }] }, false],
      ];
      let current = base;
      let second = 1;
      for (const [change, history] of changes) {
        current = { ...current, ...change, observedAt: at(second++) };
        expect(await store.upsertVmState(current), JSON.stringify(change)).toEqual({ outcome: "updated", changed: true, historyAppended: history });
      }
      const entries = await store.listHistory(base.orderUid);
      expect(entries).toHaveLength(1 + changes.filter(([, history]) => history).length);
      expect(entries.at(-1)).toMatchObject({
        state: "READY",
        powerStatus: "POWERED_ON",
        ipAddresses: ["10.128.0.7", "192.0.2.10"],
        desiredConfigVersion: "00000000000000ff",
        reconciledConfigVersion: "1235a48e65b9b809",
      });
      expect(entries.map((entry) => entry.id)).toEqual([...entries.map((entry) => entry.id)].sort((a, b) => a - b));
      await eventually(() => expect(changesOf(base.orderUid)).toBe(1 + changes.length), 5_000, "one NOTIFY per change");
    });

    it("GIVEN history rows THEN they can be neither updated nor deleted", async () => {
      const written = row();
      await store.upsertVmState(written);
      await expect(h.sql("UPDATE vm_state_history SET state = 'FAILED' WHERE order_uid = $1", [written.orderUid])).rejects.toThrow(/append-only/);
      await expect(h.sql("DELETE FROM vm_state_history WHERE order_uid = $1", [written.orderUid])).rejects.toThrow(/append-only/);
      expect(await historyCount(written.orderUid)).toBe(1);
    });

    it("GIVEN a row that breaks the contract THEN InvalidVmStateError is thrown before any SQL", async () => {
      await expect(store.upsertVmState(row({ observedGeneration: -1 }))).rejects.toBeInstanceOf(InvalidVmStateError);
      await expect(store.upsertVmState(row({ observedAt: new Date(Number.NaN) }))).rejects.toBeInstanceOf(InvalidVmStateError);
      await expect(store.upsertVmState(row({ powerStatus: "ON" as never }))).rejects.toThrow(/powerStatus "ON" is not one of/);
    });
  });

  describe("hub column (migration 2)", () => {
    it("GIVEN a row with its hub THEN the hub is stored and read back; a later write without one (single-cluster) clears it, and a hub change is a change", async () => {
      const placed = row({ hub: "hub-eu-1" });
      expect(await store.upsertVmState(placed)).toMatchObject({ outcome: "inserted" });
      expect((await store.getVmState(placed.orderUid))?.hub).toBe("hub-eu-1");
      expect(await store.upsertVmState({ ...placed, hub: "hub-eu-2", observedAt: at(5) })).toMatchObject({ outcome: "updated", changed: true, historyAppended: false });
      expect((await store.getVmState(placed.orderUid))?.hub).toBe("hub-eu-2");
      const plain = row();
      await store.upsertVmState(plain);
      expect((await store.getVmState(plain.orderUid))?.hub).toBeNull();
    });

    it("GIVEN the previous release's writes and reads (no hub column named) THEN they work beside the new column and leave a stored hub as it is", async () => {
      const placed = row({ hub: "hub-us-1" });
      await store.upsertVmState(placed);
      // The previous release's upsert names every column but hub: an update keeps it.
      await h.sql("UPDATE vm_state SET state = 'READY', power_status = 'POWERED_ON', updated_at = now() WHERE order_uid = $1", [placed.orderUid]);
      const [old] = await h.sql<{ state: string }>(
        "SELECT order_uid, virtualmachine_uuid, namespace, name, state, power_status, ip_addresses, conditions, desired_config_version, reconciled_config_version, resource_version FROM vm_state WHERE order_uid = $1",
        [placed.orderUid],
      );
      expect(old?.state).toBe("READY");
      expect(await store.getVmState(placed.orderUid)).toMatchObject({ state: "READY", hub: "hub-us-1" });
      const legacyUid = randomUUID();
      await h.sql(
        "INSERT INTO vm_state (order_uid, namespace, name, state, power_status, resource_version, observed_generation, observed_at) VALUES ($1, 'ns', 'vm', 'PROGRESSING', 'STARTING', '1', 1, now())",
        [legacyUid],
      );
      expect((await store.getVmState(legacyUid))?.hub).toBeNull();
    });
  });

  describe("markDeleted", () => {
    it("GIVEN a stored order WHEN it is deleted THEN power is DELETED, the row is frozen, history and NOTIFY recorded once", async () => {
      const written = row({ state: "READY", powerStatus: "POWERED_ON", observedAt: at(5) });
      await store.upsertVmState(written);
      expect(await store.markDeleted(written.orderUid, "2002", at(10))).toEqual({ changed: true });
      expect(await store.markDeleted(written.orderUid, "2003", at(11))).toEqual({ changed: false });
      expect(await store.getVmState(written.orderUid)).toMatchObject({
        state: "READY",
        powerStatus: "DELETED",
        deletedAt: at(10),
        resourceVersion: "2002",
        observedAt: at(10),
      });
      const newer = await store.upsertVmState({ ...written, observedGeneration: 5, observedAt: at(50) });
      expect(newer).toEqual({ outcome: "deleted", changed: false, historyAppended: false });
      expect((await store.listHistory(written.orderUid)).map((entry) => entry.powerStatus)).toEqual(["POWERED_ON", "DELETED"]);
      await eventually(() => expect(changesOf(written.orderUid)).toBe(2), 5_000, "the NOTIFY of the deletion");
    });

    it("GIVEN an order the store never saw THEN markDeleted changes nothing", async () => {
      expect(await store.markDeleted(randomUUID(), "1", at(1))).toEqual({ changed: false });
    });
  });

  describe("outage", () => {
    it("GIVEN the database stops THEN every call fails with DatabaseUnavailableError, and once it is back the store works again", async () => {
      const before = row();
      await store.upsertVmState(before);
      await h.stopDatabase();

      await expect(store.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      const error = await store.upsertVmState(row()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ code: "DATABASE_UNAVAILABLE", retryable: true });
      expect((error as Error).cause).toBeDefined();
      await expect(store.getVmState(before.orderUid)).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(store.markDeleted(before.orderUid, "9", at(1))).rejects.toBeInstanceOf(DatabaseUnavailableError);

      const recovered = await h.restartDatabase(store);
      await eventually(() => recovered.ping(), 15_000, "the store to reach the database again");
      expect(await recovered.migrate()).toMatchObject({ applied: [] });
      expect(await recovered.getVmState(before.orderUid)).toMatchObject({ orderUid: before.orderUid, state: before.state });
      expect((await recovered.upsertVmState(row())).outcome).toBe("inserted");
    });
  });
}
