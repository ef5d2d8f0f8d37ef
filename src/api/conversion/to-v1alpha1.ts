import { API_VERSION as V1ALPHA1 } from "../v1alpha1/types.ts";
import { ConversionAnnotations } from "./annotations.ts";
import { decodeParameterText, fieldsOfParameters } from "./decode-parameters.ts";
import { encodeParameterFields } from "./encode-parameters.ts";
import { isRecord, jsonEqual, type JsonRecord } from "./json-value.ts";
import { annotation, annotationsOf, withConversionAnnotations } from "./metadata.ts";
import { parameterFieldsOf } from "./parameter-fields-of.ts";

/**
 * Spoke (v1beta1) → hub (v1alpha1, stored). The parameter fields become the
 * `spec.templateParameters` string:
 * - the original string from the `v1alpha1-template-parameters` annotation, when the fields are
 *   still what that string reads as (a v1beta1 client did not change them), so legacy clients and
 *   the config-version hash see the bytes they wrote;
 * - otherwise the canonical string (`encodeParameterFields`). When reading that string back
 *   would not give the same fields (values v1alpha1 cannot express, such as an SSH key holding a
 *   comma), the fields are saved as JSON in the `v1beta1-parameters` annotation.
 */
export function toV1alpha1(object: JsonRecord): JsonRecord {
  const annotations = annotationsOf(object);
  const { spec } = object;
  if (!isRecord(spec)) {
    return { ...object, apiVersion: V1ALPHA1, metadata: withConversionAnnotations(object, annotations, []) };
  }
  const { virtualMachine: _virtualMachine, templateParameters: _templateParameters, ...rest } = spec;
  const fields = parameterFieldsOf(spec);
  const original = annotation(annotations, ConversionAnnotations.v1alpha1TemplateParameters);
  let text: string | undefined;
  let exact: boolean;
  if (original !== undefined && jsonEqual(decodeParameterText(rest.templateID, original), fields)) {
    text = original;
    exact = true;
  } else {
    const canonical = encodeParameterFields(fields);
    text = canonical?.text;
    exact = canonical === undefined || jsonEqual(fieldsOfParameters(rest.templateID, canonical.parsed), fields);
  }
  const added = exact ? [] : [[ConversionAnnotations.v1beta1Parameters, JSON.stringify(fields)] as const];
  return {
    ...object,
    apiVersion: V1ALPHA1,
    metadata: withConversionAnnotations(object, annotations, added),
    spec: text === undefined ? rest : { ...rest, templateParameters: text },
  };
}
