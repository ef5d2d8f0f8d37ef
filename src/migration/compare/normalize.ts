// Quantity comparison is the webhook's exact arithmetic (pure, no I/O); it belongs in src/domain
// and is imported from where it lives today (docs/adr/0027).
import { compareQuantities, parseQuantity } from "../../domain/quantity/exact-quantity.ts";
import type { FieldPath } from "./field-path.ts";
import { valueAt } from "./field-path.ts";
import { EACH, ignoredFieldsFor, type IgnoredField } from "./ignored-fields.ts";

type Container = Record<string, unknown> | unknown[];

/**
 * The live object and the rendered one, each a copy with the fields of `IGNORED_FIELDS` taken
 * out (or, for quantities, the live text replaced by the rendered one when the values are
 * equal), ready for a field-by-field comparison. Containers emptied by a removal go too, so a VM
 * whose only annotations were KubeVirt's compares equal to one rendered without annotations.
 * The inputs are not changed. Pure.
 */
export function normalizePair(kind: string, live: unknown, rendered: unknown): { live: unknown; rendered: unknown } {
  const liveCopy = structuredClone(live);
  const renderedCopy = structuredClone(rendered);
  for (const entry of ignoredFieldsFor(kind)) applyEntry(entry, liveCopy, renderedCopy);
  return { live: liveCopy, rendered: renderedCopy };
}

function applyEntry(entry: IgnoredField, live: unknown, rendered: unknown): void {
  const matching = (root: unknown) => expand(root, entry.path).filter((path) => !entry.applies || entry.applies(valueAt(root, path)));
  switch (entry.rule) {
    case "owned":
      removeAll(live, matching(live));
      removeAll(rendered, matching(rendered));
      return;
    case "defaulted":
      removeAll(
        live,
        matching(live).filter((path) => valueAt(rendered, path) === undefined),
      );
      return;
    case "equivalent-quantity":
      for (const path of matching(live)) {
        const wanted = valueAt(rendered, path);
        if (sameQuantity(valueAt(live, path), wanted)) setAt(live, path, wanted);
      }
      return;
  }
}

/** Every concrete path in `root` that the pattern names and that holds a value. */
export function expand(root: unknown, pattern: readonly string[]): FieldPath[] {
  const found: FieldPath[] = [];
  const walk = (value: unknown, index: number, path: (string | number)[]) => {
    if (value === undefined) return;
    if (index === pattern.length) {
      found.push([...path]);
      return;
    }
    if (value === null || typeof value !== "object") return;
    const segment = pattern[index]!;
    if (segment === EACH) {
      if (Array.isArray(value)) value.forEach((item, position) => walk(item, index + 1, [...path, position]));
      return;
    }
    if (Array.isArray(value) || !Object.hasOwn(value, segment)) return;
    walk((value as Record<string, unknown>)[segment], index + 1, [...path, segment]);
  };
  walk(root, 0, []);
  return found;
}

/** Removes each path (array elements from the last one, so indices stay valid), pruning emptied containers. */
function removeAll(root: unknown, paths: readonly FieldPath[]): void {
  const ordered = [...paths].sort((a, b) => compareIndicesDescending(a, b));
  for (const path of ordered) removeAt(root, path);
}

function compareIndicesDescending(a: FieldPath, b: FieldPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return y - x;
    return String(x).localeCompare(String(y));
  }
  return b.length - a.length;
}

function removeAt(root: unknown, path: FieldPath): void {
  if (path.length === 0) return;
  const chain: Container[] = [];
  let current: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (current === null || typeof current !== "object") return;
    chain.push(current as Container);
    current = (current as Record<string | number, unknown>)[segment];
  }
  if (current === null || typeof current !== "object") return;
  chain.push(current as Container);
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const container = chain[depth]!;
    const segment = path[depth]!;
    if (Array.isArray(container) && typeof segment === "number") container.splice(segment, 1);
    else delete (container as Record<string, unknown>)[segment as string];
    const emptied = Array.isArray(container) ? container.length === 0 : Object.keys(container).length === 0;
    if (!emptied || depth === 0) return;
  }
}

function setAt(root: unknown, path: FieldPath, value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === "object") (parent as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

function sameQuantity(a: unknown, b: unknown): boolean {
  const left = typeof a === "string" ? parseQuantity(a) : typeof a === "number" ? parseQuantity(String(a)) : undefined;
  const right = typeof b === "string" ? parseQuantity(b) : typeof b === "number" ? parseQuantity(String(b)) : undefined;
  return left !== undefined && right !== undefined && compareQuantities(left, right) === 0;
}
