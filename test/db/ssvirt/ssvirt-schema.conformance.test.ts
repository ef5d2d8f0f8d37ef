// This project's copy of SSVirt's schema (the embedded default) against the DDL SSVirt's GORM
// AutoMigrate issues (reference, read at test time): the same tables, columns (order, type,
// length, nullability, default), constraints and indexes, on PostgreSQL 15 and on PGlite.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { SSVIRT_SCHEMA, SSVIRT_TABLES } from "../../../src/ssvirt/database/schema.ts";
import { connectionUrl } from "../support/postgres-server.ts";
import { schemaShape, type Query } from "../support/ssvirt-schema-shape.ts";
import { referenceSchemaSql } from "../../support/ssvirt-reference.ts";

const info = inject("postgres");

async function compareIn(exec: (sql: string) => Promise<void>, query: Query): Promise<void> {
  await exec(`CREATE SCHEMA ssvirt_reference; SET search_path TO ssvirt_reference; ${referenceSchemaSql()}`);
  await exec(`CREATE SCHEMA ssvirt_ours; SET search_path TO ssvirt_ours; ${SSVIRT_SCHEMA}; SET search_path TO public`);
  const reference = await schemaShape(query, "ssvirt_reference");
  const ours = await schemaShape(query, "ssvirt_ours");
  expect(reference.tables).toEqual([...SSVIRT_TABLES].sort());
  expect(reference.columns.length).toBeGreaterThan(100);
  expect(ours.tables).toEqual(reference.tables);
  expect(ours.columns).toEqual(reference.columns);
  expect(ours.constraints).toEqual(reference.constraints);
  expect(ours.indexes).toEqual(reference.indexes);
}

describe("SSVirt's schema: this project's bootstrap against GORM's DDL", () => {
  let pglite: PGlite | undefined;
  afterAll(async () => {
    await pglite?.close();
  });

  it("GIVEN both DDLs on PostgreSQL 15 THEN tables, columns, constraints and indexes are identical", async () => {
    const client = new pg.Client({ connectionString: connectionUrl(info) });
    await client.connect();
    try {
      await client.query("CREATE DATABASE ssvirt_schema_compare");
    } finally {
      await client.end();
    }
    const db = new pg.Client({ connectionString: connectionUrl(info, "ssvirt_schema_compare") });
    await db.connect();
    try {
      await compareIn(async (sql) => void (await db.query(sql)), async (text, params) => (await db.query(text, params)).rows);
    } finally {
      await db.end();
    }
  });

  it("GIVEN both DDLs on PGlite THEN tables, columns, constraints and indexes are identical", async () => {
    pglite = await PGlite.create();
    const db = pglite;
    await compareIn(async (sql) => void (await db.exec(sql)), async (text, params) => (await db.query(text, params)).rows as never);
  });
});
