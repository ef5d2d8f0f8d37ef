import { API_VERSION as V1BETA1 } from "../v1beta1/types.ts";
import { ConversionAnnotations } from "./annotations.ts";
import { decodeParameterText } from "./decode-parameters.ts";
import { encodeParameterFields } from "./encode-parameters.ts";
import { ConversionError } from "./errors.ts";
import { isRecord, type JsonRecord } from "./json-value.ts";
import { annotation, annotationsOf, withConversionAnnotations } from "./metadata.ts";
import { parseSavedParameterFields, type ParameterFields } from "./parameter-fields-of.ts";

/**
 * Hub (v1alpha1, stored) → spoke (v1beta1). `spec.templateParameters` becomes the typed fields
 * (`decodeParameterText`). When their canonical serialisation is not byte-identical to the string,
 * the string goes into the `v1alpha1-template-parameters` annotation, so a v1beta1 client that
 * leaves the typed fields alone writes back the very same bytes. When the object carries the
 * v1beta1 fields saved by an earlier conversion and the string is still what they serialise to,
 * those fields are restored as they were.
 */
export function toV1beta1(object: JsonRecord): JsonRecord {
  const annotations = annotationsOf(object);
  const { spec } = object;
  if (!isRecord(spec)) {
    return { ...object, apiVersion: V1BETA1, metadata: withConversionAnnotations(object, annotations, []) };
  }
  const { templateParameters: text, ...rest } = spec;
  if (text !== undefined && typeof text !== "string") {
    throw new ConversionError("InvalidField", "spec.templateParameters must be a JSON-encoded string in cloudkit.openshift.io/v1alpha1");
  }
  const fields = savedFields(annotation(annotations, ConversionAnnotations.v1beta1Parameters), text) ?? decodeParameterText(rest.templateID, text);
  const keepText = text !== undefined && encodeParameterFields(fields)?.text !== text;
  const added = keepText ? [[ConversionAnnotations.v1alpha1TemplateParameters, text] as const] : [];
  return {
    ...object,
    apiVersion: V1BETA1,
    metadata: withConversionAnnotations(object, annotations, added),
    spec: { ...rest, ...fields },
  };
}

/** The saved v1beta1 fields, when a v1alpha1 client has not changed the string since they were saved. */
function savedFields(saved: string | undefined, text: string | undefined): ParameterFields | undefined {
  if (saved === undefined) return undefined;
  const fields = parseSavedParameterFields(saved);
  return fields !== undefined && encodeParameterFields(fields)?.text === text ? fields : undefined;
}
