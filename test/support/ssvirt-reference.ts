// SSVirt's reference schema, read at test time from ../shared (never copied into the project).
import { readFileSync } from "node:fs";
import { requireShared } from "../conformance/support/shared.ts";

/** The DDL SSVirt's GORM AutoMigrate issues on an empty PostgreSQL (reference, derived by the steering repo). */
export function referenceSchemaSql(): string {
  return readFileSync(requireShared("reference/ssvirt/schema/gorm_automigrate_postgres.sql"), "utf8");
}

/** SSVirt's stale SQL migrations (001, 002): a schema this project must refuse. */
export function staleMigrationsSql(): string {
  return ["001_initial_schema.up.sql", "002_rearch_organizations_vdcs.up.sql"].map((file) => readFileSync(requireShared(`reference/ssvirt/migrations/${file}`), "utf8")).join("\n");
}
