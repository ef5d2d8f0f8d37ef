// The StatusStore contract on embedded PGlite (one engine for the whole file: it takes ~3 s and
// hundreds of MB to start). "Stopping the database" closes the engine; "restarting" reopens the
// same data directory through openStatusStore, which also proves the rows were persisted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe } from "vitest";
import { PgliteSession, SqlStatusStore, openStatusStore, type StatusStore } from "../../src/platform/database/index.ts";
import { describeStatusStoreContract, type StoreHarness } from "./support/status-store-contract.ts";

describe("StatusStore on PGlite", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "osac-pglite-"));
  let db: PGlite;
  const opened: StatusStore[] = [];

  beforeAll(async () => {
    db = await PGlite.create(dataDir);
  });

  afterAll(async () => {
    for (const store of opened) await store.close().catch(() => undefined); // closing twice after the outage test is fine
    if (!db.closed) await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const harness: StoreHarness = {
    backend: "pglite",
    async openStore(options) {
      const store = new SqlStatusStore(new PgliteSession(db, false), options);
      opened.push(store);
      return store;
    },
    async sql(text, params = []) {
      return (await db.query<never>(text, params)).rows;
    },
    async stopDatabase() {
      await db.close();
    },
    async restartDatabase() {
      const store = await openStatusStore({ dataDir });
      opened.push(store);
      return store;
    },
  };

  describeStatusStoreContract(() => harness);
});
