// What a schema looks like from PostgreSQL's catalogue, with the schema name taken out, so the DDL
// SSVirt's GORM issues and this project's bootstrap can be compared table by table.
export type Query = <Row extends object>(text: string, params?: unknown[]) => Promise<Row[]>;

export interface SchemaShape {
  readonly tables: string[];
  /** `table.column: type(length) NULL|NOT NULL DEFAULT x`, in column order per table. */
  readonly columns: string[];
  /** `table: name definition`, sorted. */
  readonly constraints: string[];
  /** `table: definition`, sorted. */
  readonly indexes: string[];
}

export async function schemaShape(query: Query, schema: string): Promise<SchemaShape> {
  const strip = (text: string) => text.replaceAll(`${schema}.`, "");
  const tables = (await query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", [schema])).map((row) => row.table_name);
  const columns = (
    await query<{ table_name: string; column_name: string; data_type: string; character_maximum_length: number | null; is_nullable: string; column_default: string | null }>(
      "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position",
      [schema],
    )
  ).map(
    (row) =>
      `${row.table_name}.${row.column_name}: ${row.data_type}${row.character_maximum_length ? `(${row.character_maximum_length})` : ""} ${row.is_nullable === "YES" ? "NULL" : "NOT NULL"}${row.column_default ? ` DEFAULT ${strip(row.column_default)}` : ""}`,
  );
  const constraints = (
    await query<{ table_name: string; conname: string; definition: string }>(
      "SELECT c.relname AS table_name, k.conname, pg_get_constraintdef(k.oid) AS definition FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1",
      [schema],
    )
  )
    .map((row) => `${row.table_name}: ${row.conname} ${strip(row.definition)}`)
    .sort();
  const indexes = (await query<{ tablename: string; indexdef: string }>("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1", [schema])).map((row) => `${row.tablename}: ${strip(row.indexdef)}`).sort();
  return { tables, columns, constraints, indexes };
}
