/** A location inside a Kubernetes object: object keys and array indices, outermost first. */
export type FieldPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * `spec.ports[0].port`, `metadata.labels["app.kubernetes.io/name"]`: the notation kubectl's
 * JSONPath users read; keys that are not plain identifiers are quoted in brackets.
 */
export function formatPath(path: FieldPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === "" ? "(whole object)" : text;
}

/** The path with every array index as `[*]`: the same field of every element, for grouping. */
export function formatGenericPath(path: FieldPath): string {
  return formatPath(path.map((segment) => (typeof segment === "number" ? -1 : segment))).replaceAll("[-1]", "[*]");
}

export function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

/** The value at `path`, or undefined when any step is missing. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
