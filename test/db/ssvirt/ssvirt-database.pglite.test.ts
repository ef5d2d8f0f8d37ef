// SSVirt's database as the embedded default: PGlite bootstrapped with this project's schema
// (src/ssvirt/database/schema.ts), the same contract as on PostgreSQL 15.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlSession } from "../../../src/platform/database/sql-session.ts";
import { openSsvirtDatabase, prepareSsvirtSchema } from "../../../src/ssvirt/database/open-database.ts";
import { describeSsvirtDatabaseContract, type SsvirtDbHarness } from "../support/ssvirt-contract.ts";

describe("SSVirt's database on embedded PGlite", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "osac-ssvirt-pglite-"));
  let session: SqlSession;
  let harness: SsvirtDbHarness;
  beforeAll(async () => {
    session = await openSsvirtDatabase({ dataDir });
    harness = { backend: "pglite", session, sql: (text, params = []) => session.query(text, params) };
  });
  afterAll(async () => {
    await session.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("GIVEN an empty data directory WHEN the schema is prepared THEN SSVirt's tables are created", async () => {
    expect(await prepareSsvirtSchema(session)).toEqual({ created: true });
    const tables = await session.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((row) => row.table_name)).toEqual(["catalogs", "organizations", "roles", "user_roles", "users", "v_app_templates", "v_apps", "vdcs", "vms"]);
  });

  describeSsvirtDatabaseContract(() => harness);
});
