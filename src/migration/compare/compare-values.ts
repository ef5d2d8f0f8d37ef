import type { FieldPath } from "./field-path.ts";

/** One field whose live value is not the rendered one. `undefined` on a side: the field is absent there. */
export interface FieldDifference {
  readonly path: FieldPath;
  readonly live: unknown;
  readonly rendered: unknown;
}

/**
 * Every field where `live` and `rendered` differ, at the deepest path that differs: object keys
 * of either side (in sorted order), arrays element by element (by index: the role writes lists in
 * a fixed order), scalars by strict equality. A field absent on one side is one difference at its
 * own path, whatever it holds. Pure.
 */
export function compareValues(live: unknown, rendered: unknown, path: FieldPath = []): FieldDifference[] {
  if (live === rendered) return [];
  if (isObject(live) && isObject(rendered)) {
    const keys = [...new Set([...Object.keys(live), ...Object.keys(rendered)])].sort();
    return keys.flatMap((key) => compareValues(live[key], rendered[key], [...path, key]));
  }
  if (Array.isArray(live) && Array.isArray(rendered)) {
    const differences: FieldDifference[] = [];
    for (let index = 0; index < Math.max(live.length, rendered.length); index++) {
      differences.push(...compareValues(live[index], rendered[index], [...path, index]));
    }
    return differences;
  }
  return [{ path, live, rendered }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
