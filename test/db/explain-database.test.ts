// explain's read of the status database: an embedded PGlite directory is read from a copy (the
// directory itself is never opened: a running controller may hold it), PostgreSQL directly; a
// missing directory is "no database", an unmigrated PostgreSQL database is named as such.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { readDatabaseView } from "../../src/migration/explain/read-database.ts";
import { openStatusStore, type VmStateRow } from "../../src/platform/database/index.ts";
import { connectionUrl } from "./support/postgres-server.ts";

const UID = "9a4b2f5e-6c1d-4e8f-9a0b-1c2d3e4f5a6b";
const row = (state: VmStateRow["state"], observedAt: string): VmStateRow => ({
  orderUid: UID,
  virtualMachineUuid: null,
  namespace: "orders",
  name: "vm-a",
  state,
  powerStatus: state === "READY" ? "POWERED_ON" : "STARTING",
  ipAddresses: state === "READY" ? ["10.0.0.7"] : [],
  conditions: [{ type: "Available", status: state === "READY" ? "True" : "False", reason: "Test", message: "m", lastTransitionTime: observedAt }],
  desiredConfigVersion: "abc",
  reconciledConfigVersion: state === "READY" ? "abc" : null,
  resourceVersion: "1",
  observedGeneration: 1,
  observedAt: new Date(observedAt),
});

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe("readDatabaseView", () => {
  it("GIVEN an embedded PGlite directory THEN the row and history come from a copy, the directory untouched", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "osac-explain-pglite-"));
    directories.push(dataDir);
    const store = await openStatusStore({ dataDir });
    await store.migrate();
    await store.upsertVmState(row("PROGRESSING", "2026-01-01T00:00:00.000Z"));
    await store.upsertVmState(row("READY", "2026-01-01T00:01:00.000Z"));
    await store.close();
    const before = readdirSync(dataDir).map((name) => `${name}:${statSync(join(dataDir, name)).mtimeMs}`);
    const copiesBefore = readdirSync(tmpdir()).filter((name) => name.startsWith("osac-vm-explain-")).length;

    const view = await readDatabaseView({ dataDir }, UID);
    expect(view).toMatchObject({ source: `embedded PGlite at ${dataDir} (read from a copy)`, available: true, state: { state: "READY", powerStatus: "POWERED_ON", ipAddresses: ["10.0.0.7"] } });
    expect(view.history.map((entry) => [entry.state, entry.observedAt])).toEqual([
      ["PROGRESSING", "2026-01-01T00:00:00.000Z"],
      ["READY", "2026-01-01T00:01:00.000Z"],
    ]);
    expect(readdirSync(dataDir).map((name) => `${name}:${statSync(join(dataDir, name)).mtimeMs}`)).toEqual(before);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith("osac-vm-explain-")).length).toBe(copiesBefore);

    const unknown = await readDatabaseView({ dataDir }, "another-uid");
    expect(unknown).toMatchObject({ available: true, note: "no row for this order: the controller has not observed it (it records controller and gitops orders)", history: [] });
  }, 180_000);

  it("GIVEN no DATABASE_URL and no embedded directory THEN 'no database'", async () => {
    const missing = join(tmpdir(), `osac-explain-missing-${process.pid}`);
    const view = await readDatabaseView({ dataDir: missing }, UID);
    expect(view).toEqual({ source: "no database", available: false, note: `no database: DATABASE_URL is unset and there is no embedded database at ${missing} (--data-dir)`, history: [] });
    expect(existsSync(missing)).toBe(false);
  });

  it("GIVEN PostgreSQL THEN read directly; an unmigrated database is named as such; the password never shows", async () => {
    const server = inject("postgres");
    const admin = new pg.Client({ connectionString: connectionUrl(server) });
    await admin.connect();
    const name = `explain_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const databaseUrl = connectionUrl(server, name);
    const empty = await readDatabaseView({ databaseUrl, dataDir: "unused" }, UID);
    expect(empty).toMatchObject({ available: false, note: "the database has no vm_state table: the controller has not migrated it" });
    expect(empty.source).toBe(`PostgreSQL ${server.host}:${server.port}/${name}`);

    const store = await openStatusStore({ databaseUrl });
    await store.migrate();
    await store.upsertVmState(row("READY", "2026-01-01T00:01:00.000Z"));
    await store.close();
    const view = await readDatabaseView({ databaseUrl, dataDir: "unused" }, UID);
    expect(view).toMatchObject({ available: true, state: { state: "READY" }, history: [{ state: "READY" }] });

    const withPassword = databaseUrl.replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@").replace("postgres://postgres@", "postgres://postgres:s3cret-pw@");
    const unreachable = await readDatabaseView({ databaseUrl: withPassword.replace(`:${server.port}/`, ":1/"), dataDir: "unused" }, UID);
    expect(unreachable.available).toBe(false);
    expect(unreachable.note).toMatch(/^cannot reach the database/);
    expect(JSON.stringify(unreachable)).not.toContain("s3cret-pw");
  }, 180_000);
});
