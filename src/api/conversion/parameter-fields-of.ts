import { isRecord, type JsonRecord } from "./json-value.ts";

/**
 * The two v1beta1 spec fields that hold template parameters, as found on an object: a key is
 * present only when the object has it (not undefined), and its value may be anything the object
 * holds, well-typed or not.
 */
export interface ParameterFields {
  virtualMachine?: unknown;
  templateParameters?: unknown;
}

export function parameterFieldsOf(spec: JsonRecord): ParameterFields {
  return {
    ...(spec.virtualMachine === undefined ? {} : { virtualMachine: spec.virtualMachine }),
    ...(spec.templateParameters === undefined ? {} : { templateParameters: spec.templateParameters }),
  };
}

/** The fields saved in the v1beta1 annotation, or undefined when it is not what conversion wrote. */
export function parseSavedParameterFields(saved: string): ParameterFields | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(saved);
  } catch {
    // Not written by conversion (edited by hand): ignored, the v1alpha1 string is read instead.
    return undefined;
  }
  return isRecord(decoded) ? parameterFieldsOf(decoded) : undefined;
}
