import { goJsonString } from "./hashing/go-json.ts";
import { fnv1a64Hex } from "./hashing/fnv1a64.ts";

export interface OrderSpecFields {
  readonly templateID?: string;
  readonly templateParameters?: string;
}

/**
 * `desiredConfigVersion` as the cloudkit operator computes it: lowercase hex of FNV-1a-64 over
 * Go's `json.Marshal(spec)`, fields in declaration order, empty ones omitted (`omitempty`).
 */
export function desiredConfigVersion(spec: OrderSpecFields): string {
  return fnv1a64Hex(goMarshalSpec(spec));
}

export function goMarshalSpec(spec: OrderSpecFields): string {
  const fields: string[] = [];
  if (spec.templateID) fields.push(`"templateID":${goJsonString(spec.templateID)}`);
  if (spec.templateParameters) fields.push(`"templateParameters":${goJsonString(spec.templateParameters)}`);
  return `{${fields.join(",")}}`;
}
