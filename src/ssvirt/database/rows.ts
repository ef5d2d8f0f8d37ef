/** Turning what the drivers return into plain values: pg gives int8 as text and timestamps as Date; PGlite may differ. */
export function toDateOrNull(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An int8 column read as a JS number; NULL reads as 0 (GORM's zero value). */
export function toInteger(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const number = typeof value === "bigint" ? Number(value) : Number(value);
  return Number.isFinite(number) ? number : 0;
}
