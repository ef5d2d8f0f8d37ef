import { API_VERSION as V1ALPHA1 } from "../v1alpha1/types.ts";
import { API_VERSION as V1BETA1 } from "../v1beta1/types.ts";
import { ConversionError } from "./errors.ts";
import { isRecord } from "./json-value.ts";
import { toV1alpha1 } from "./to-v1alpha1.ts";
import { toV1beta1 } from "./to-v1beta1.ts";

/** The served versions; the first is the storage version, the hub every conversion goes through. */
export const SERVED_API_VERSIONS: readonly string[] = Object.freeze([V1ALPHA1, V1BETA1]);

/**
 * Converts one `VirtualMachine` to `desiredAPIVersion`. Pure: the input is not changed, and parts
 * that do not change (status, metadata other than the conversion annotations, unknown fields)
 * are shared with it, not copied. With two versions the only spoke converts straight to and from
 * the hub. Throws `ConversionError` only for input no API server sends (see its codes).
 */
export function convertObject(object: unknown, desiredAPIVersion: string): Record<string, unknown> {
  if (!isRecord(object)) throw new ConversionError("NotAnObject", "the object must be a JSON object");
  const source = object.apiVersion;
  if (typeof source !== "string" || !SERVED_API_VERSIONS.includes(source)) {
    throw new ConversionError("UnknownSourceVersion", `apiVersion must be one of ${SERVED_API_VERSIONS.join(", ")}`);
  }
  if (!SERVED_API_VERSIONS.includes(desiredAPIVersion)) {
    throw new ConversionError("UnsupportedDesiredVersion", `the desired apiVersion must be one of ${SERVED_API_VERSIONS.join(", ")}`);
  }
  if (source === desiredAPIVersion) return object;
  return desiredAPIVersion === V1BETA1 ? toV1beta1(object) : toV1alpha1(object);
}
