// SSVirt's database on PostgreSQL 15 with the schema SSVirt's GORM AutoMigrate really creates (the
// reference DDL, read from ../shared at test time), and the stale SQL migrations refused by name.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PostgresSession } from "../../../src/platform/database/postgres-session.ts";
import { prepareSsvirtSchema, SsvirtSchemaError } from "../../../src/ssvirt/database/open-database.ts";
import { connectionUrl } from "../support/postgres-server.ts";
import { describeSsvirtDatabaseContract, type SsvirtDbHarness } from "../support/ssvirt-contract.ts";
import { referenceSchemaSql, staleMigrationsSql } from "../../support/ssvirt-reference.ts";

const info = inject("postgres");

async function createDatabase(schemaSql: string, statementByStatement = false): Promise<string> {
  const name = `ssvirt_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: connectionUrl(info) });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const client = new pg.Client({ connectionString: connectionUrl(info, name) });
  await client.connect();
  try {
    if (!statementByStatement) await client.query(schemaSql);
    else {
      // SSVirt's stale migrations do not even apply cleanly on PostgreSQL 15 (user_roles has a
      // varchar foreign key to a uuid column): apply what does.
      for (const statement of schemaSql.split(/;\s*\n/).filter((text) => text.replace(/--[^\n]*/g, "").trim() !== "")) {
        await client.query(statement).catch(() => undefined);
      }
    }
  } finally {
    await client.end();
  }
  return connectionUrl(info, name);
}

const sessions: PostgresSession[] = [];
afterAll(async () => {
  for (const session of sessions) await session.close();
});

describe("SSVirt's database on PostgreSQL 15 (GORM AutoMigrate DDL)", () => {
  let harness: SsvirtDbHarness;
  beforeAll(async () => {
    const session = new PostgresSession({ connectionString: await createDatabase(referenceSchemaSql()), connectionTimeoutMs: 2_000 });
    sessions.push(session);
    harness = { backend: "postgres", session, sql: (text, params = []) => session.query(text, params) };
  });
  describeSsvirtDatabaseContract(() => harness);
});

describe("SSVirt's stale SQL migrations on PostgreSQL 15", () => {
  it("GIVEN a database made from pkg/database/migrations/*.sql THEN the schema check refuses it, naming what is missing", async () => {
    const session = new PostgresSession({ connectionString: await createDatabase(staleMigrationsSql(), true), connectionTimeoutMs: 2_000 });
    sessions.push(session);
    const failure = prepareSsvirtSchema(session);
    await expect(failure).rejects.toThrow(SsvirtSchemaError);
    await expect(failure).rejects.toThrow(/organizations\.is_enabled.*vdcs\.cpu_units.*v_apps\.id.*vms\.guest_os/s);
  });
});
