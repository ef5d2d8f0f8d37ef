import { goFieldNameMatches } from "./go-field-name.ts";
import { hasStringReference } from "./substitute.ts";
import { legacyKindGroup } from "./legacy-groups.ts";
import { isJsonObject, type JsonObject } from "./types.ts";

/**
 * The per-object steps of library-go `Process` around substitution, for objects decoded as
 * unstructured maps (which is how `Process` decodes every raw object).
 */

interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** apimachinery `schema.ParseGroupVersion`; undefined where it returns an error (more than one `/`). */
function parseGroupVersion(text: string): GroupVersion | undefined {
  if (text === "" || text === "/") return { group: "", version: "" };
  const parts = text.split("/");
  if (parts.length === 1) return { group: "", version: text };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

function formatGroupVersion({ group, version }: GroupVersion): string {
  return group ? `${group}/${version}` : version;
}

/** `Unstructured.GetAPIVersion`/`GetKind`: the string, or "" for anything else. */
function stringField(object: JsonObject, key: string): string {
  const value = object[key];
  return typeof value === "string" ? value : "";
}

/**
 * Why `runtime.Decode(unstructured.UnstructuredJSONScheme, raw)` would refuse the entry, or
 * undefined: not a JSON object, or no kind (an apiVersion that does not parse hides the kind).
 * A top-level `items` field (matched as Go's decoder matches it) makes apimachinery decode a List
 * instead, which `Process` cannot label: refused here with its own message.
 */
export function undecodableReason(entry: unknown): string | undefined {
  if (!isJsonObject(entry)) return "must be a Kubernetes object (a mapping with apiVersion and kind)";
  if (Object.keys(entry).some((key) => goFieldNameMatches(key, "items"))) {
    return "is a List (it has 'items'); put its items into 'objects' one by one instead";
  }
  if (parseGroupVersion(stringField(entry, "apiVersion")) === undefined) return "apiVersion must be '<version>' or '<group>/<version>'";
  if (stringField(entry, "kind") === "") return "kind is required and must be a non-empty string";
  return undefined;
}

/**
 * library-go `stripNamespace` with apimachinery ≥ 0.30: a `metadata.namespace` without a
 * `${NAME}` reference is removed (`${{NAME}}` does not count); an empty or non-string one is set
 * to "". Without metadata, a top-level `namespace` gets the same treatment. Returns a new object.
 */
export function stripNamespace(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  if (metadata !== undefined) {
    if (!isJsonObject(metadata) || !Object.hasOwn(metadata, "namespace")) return object;
    const namespace = metadata.namespace;
    if (typeof namespace === "string" && namespace.length > 0 && !hasStringReference(namespace)) {
      const { namespace: _removed, ...rest } = metadata;
      return { ...object, metadata: rest };
    }
    if (typeof namespace === "string" && hasStringReference(namespace)) return object;
    return { ...object, metadata: { ...metadata, namespace: "" } };
  }
  if (!Object.hasOwn(object, "namespace")) return object;
  const namespace = object.namespace;
  if (typeof namespace === "string" && hasStringReference(namespace)) return object;
  return { ...object, namespace: "" };
}

/**
 * After substitution: `OAPIToGroupifiedGVK` then `SetGroupVersionKind`, which always writes both
 * fields. An apiVersion that no longer parses gives an empty GVK, so both become "" (as upstream).
 * Changes `object` in place (it is the fresh copy substitution made).
 */
export function groupify(object: JsonObject): void {
  const parsed = parseGroupVersion(stringField(object, "apiVersion"));
  const kind = parsed ? stringField(object, "kind") : "";
  const gv = parsed ?? { group: "", version: "" };
  const group = gv.group === "" ? (legacyKindGroup(kind) ?? "") : gv.group;
  object.apiVersion = formatGroupVersion({ group, version: gv.version });
  object.kind = kind;
}

/**
 * library-go `addObjectLabels` on an unstructured object: nothing when `labels` is absent;
 * otherwise merged over `metadata.labels` (created when absent; template labels win). Like
 * `Unstructured.GetLabels`, labels holding a non-string value read as none, so they are replaced.
 * A non-mapping `metadata` is left alone (apimachinery's setter fails silently there). In place.
 */
export function addObjectLabels(object: JsonObject, labels: Readonly<Record<string, string>> | undefined): void {
  if (labels === undefined) return;
  let metadata = object.metadata;
  if (metadata === undefined) {
    metadata = {};
    object.metadata = metadata;
  }
  if (!isJsonObject(metadata)) return;
  const existing = metadata.labels;
  const kept = isJsonObject(existing) && Object.values(existing).every((value) => typeof value === "string") ? existing : {};
  metadata.labels = { ...kept, ...labels };
}
