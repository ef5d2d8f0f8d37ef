// The controller's DatabaseSink on a real store (embedded PGlite): many orders' rows written in
// parallel, only the newest observation of an order kept, deletions, and a database that fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseSink } from "../../src/controller/database-sink.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { PgliteSession, SqlStatusStore, type StatusStore } from "../../src/platform/database/index.ts";
import { eventually, row } from "./support/status-store-contract.ts";

const logger = createLogger({ level: "silent", name: "db-test" });

describe("DatabaseSink on PGlite", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "osac-sink-"));
  let db: PGlite;
  let store: StatusStore;

  beforeAll(async () => {
    db = await PGlite.create(dataDir);
    store = new SqlStatusStore(new PgliteSession(db, false));
    await store.migrate();
  });

  afterAll(async () => {
    if (!db.closed) await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("GIVEN 60 orders' rows submitted at once THEN every row lands and the backlog drains", async () => {
    const sink = new DatabaseSink(store, logger, () => undefined);
    const rows = Array.from({ length: 60 }, (_, i) => row({ name: `vm-${i}` }));
    for (const r of rows) sink.submit(r);
    await eventually(() => expect(sink.backlog).toBe(0));
    for (const r of rows) expect((await store.getVmState(r.orderUid))?.name).toBe(r.name);
    await sink.close();
  });

  it("GIVEN several observations of one order in a row THEN the newest is what the database ends with", async () => {
    const sink = new DatabaseSink(store, logger, () => undefined);
    const first = row({ resourceVersion: "10", state: "PROGRESSING" });
    for (let rv = 10; rv <= 15; rv++) sink.submit({ ...first, resourceVersion: String(rv), state: rv === 15 ? "READY" : "PROGRESSING", powerStatus: rv === 15 ? "POWERED_ON" : "STARTING" });
    await eventually(async () => expect((await store.getVmState(first.orderUid))?.resourceVersion).toBe("15"));
    expect((await store.getVmState(first.orderUid))?.state).toBe("READY");
    sink.submitDeleted(first.orderUid, "16", new Date("2025-12-01T10:01:00Z"));
    await eventually(async () => expect((await store.getVmState(first.orderUid))?.powerStatus).toBe("DELETED"));
    await sink.close();
  });

  it("GIVEN the same row observed again THEN it is not written again; a changed row, or any row after forgetWritten, is", async () => {
    const sink = new DatabaseSink(store, logger, () => undefined);
    const first = row({ observedAt: new Date("2025-12-01T10:00:00Z") });
    sink.submit(first);
    await eventually(async () => expect((await store.getVmState(first.orderUid))?.observedAt.toISOString()).toBe("2025-12-01T10:00:00.000Z"));
    await eventually(() => expect(sink.backlog).toBe(0));
    sink.submit({ ...first, observedAt: new Date("2025-12-01T10:00:05Z") });
    expect(sink.backlog).toBe(0);
    sink.submit({ ...first, observedAt: new Date("2025-12-01T10:00:06Z"), resourceVersion: "1002" });
    await eventually(async () => expect((await store.getVmState(first.orderUid))?.resourceVersion).toBe("1002"));
    await eventually(() => expect(sink.backlog).toBe(0));
    sink.forgetWritten();
    sink.submit({ ...first, observedAt: new Date("2025-12-01T10:00:07Z"), resourceVersion: "1002" });
    expect(sink.backlog).toBe(1);
    await eventually(async () => expect((await store.getVmState(first.orderUid))?.observedAt.toISOString()).toBe("2025-12-01T10:00:07.000Z"));
    await sink.close();
  });

  it("GIVEN a database that fails THEN errors are counted, nothing is dropped, and close gives up after its timeout", async () => {
    const broken = new SqlStatusStore(new PgliteSession(await PGlite.create(), true));
    await broken.close();
    let errors = 0;
    const sink = new DatabaseSink(broken, logger, () => errors++);
    for (let i = 0; i < 5; i++) sink.submit(row());
    await eventually(() => expect(errors).toBeGreaterThan(0));
    expect(sink.backlog).toBe(5);
    await sink.close(300);
    expect(sink.backlog).toBe(5);
  });
});
