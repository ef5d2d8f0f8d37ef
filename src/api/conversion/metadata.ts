import { CONVERSION_ANNOTATION_KEYS } from "./annotations.ts";
import { ConversionError } from "./errors.ts";
import { isRecord, type JsonRecord } from "./json-value.ts";

/** The object's annotations, checked to be a mapping when present. */
export function annotationsOf(object: JsonRecord): JsonRecord | undefined {
  const { metadata } = object;
  if (metadata === undefined) return undefined;
  if (!isRecord(metadata)) throw new ConversionError("InvalidField", "metadata must be an object");
  const { annotations } = metadata;
  if (annotations === undefined || annotations === null) return undefined;
  if (!isRecord(annotations)) throw new ConversionError("InvalidField", "metadata.annotations must be a map of strings");
  return annotations;
}

export function annotation(annotations: JsonRecord | undefined, key: string): string | undefined {
  const value = annotations?.[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * `metadata` with the conversion annotations removed and `added` set; every other field and
 * annotation is left as it is. The same object when nothing changes; `annotations` is dropped
 * when it ends up empty (the API server never sends an empty map).
 */
export function withConversionAnnotations(object: JsonRecord, annotations: JsonRecord | undefined, added: readonly (readonly [string, string])[]): unknown {
  const metadata = object.metadata;
  const owned = annotations === undefined ? false : CONVERSION_ANNOTATION_KEYS.some((key) => Object.hasOwn(annotations, key));
  if (!owned && added.length === 0) return metadata;
  const kept = annotations === undefined ? [] : Object.entries(annotations).filter(([key]) => !CONVERSION_ANNOTATION_KEYS.includes(key));
  const entries = [...kept, ...added];
  const { annotations: _replaced, ...rest } = isRecord(metadata) ? metadata : {};
  return entries.length === 0 ? rest : { ...rest, annotations: Object.fromEntries(entries) };
}
