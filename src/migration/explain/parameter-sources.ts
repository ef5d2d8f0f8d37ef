import { decodeParameterObject, normalizedParameters, parameterSpecs, type NormalizedValue } from "../../domain/templates/index.ts";
import type { Order } from "../../domain/order.ts";

/** The webhook settings explain reasons with (the same variables the webhook reads). */
export interface DefaultingSettings {
  /** OSAC_VM_DEFAULT_IMAGE_SOURCE. */
  readonly defaultImageSource?: string;
  /** CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS. */
  readonly envStorageClass?: string;
  /** The cluster's default StorageClass, when it was read. */
  readonly clusterDefaultStorageClass?: string;
}

export interface ParameterExplanation {
  readonly name: string;
  /** The effective value (secret parameters redacted); absent when the parameter has none. */
  readonly value?: NormalizedValue;
  readonly source: string;
}

/**
 * Every parameter of the template after defaults, and where its value came from: the order
 * itself (noting when it equals a value the webhook writes into new orders: it was most likely
 * defaulted there), or the template's default (the role's). Pure.
 */
export function explainParameters(order: Order, settings: DefaultingSettings): ParameterExplanation[] {
  const given = decodeParameterObject(order.templateParameters) ?? {};
  const specs = parameterSpecs();
  const values = normalizedParameters(order.parameters, specs);
  return specs.map((spec) => {
    const value = values[spec.name as keyof typeof values];
    const inOrder = Object.hasOwn(given, spec.name) && given[spec.name] !== null;
    return { name: spec.name, ...(value !== undefined ? { value } : {}), source: sourceOf(spec.name, inOrder, value, spec.default, settings) };
  });
}

function sourceOf(name: string, inOrder: boolean, value: NormalizedValue | undefined, templateDefault: unknown, settings: DefaultingSettings): string {
  if (inOrder) {
    if (name === "image_source" && settings.defaultImageSource !== undefined && value === settings.defaultImageSource) {
      return "order (equals OSAC_VM_DEFAULT_IMAGE_SOURCE: the webhook writes it into new orders that name no image)";
    }
    if (name === "storage_class" && value !== undefined) {
      if (value === settings.envStorageClass) return "order (equals CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: the webhook writes it into new orders that name no class)";
      if (value === settings.clusterDefaultStorageClass) return "order (equals the cluster's default StorageClass: the webhook writes it into new orders that name no class)";
    }
    return "order";
  }
  if (name === "storage_class") return "not set: see the storage class";
  if (templateDefault === undefined) return "not set (no default)";
  if (name === "image_source") return "template default (the role's; it floats: pin an image, or set OSAC_VM_DEFAULT_IMAGE_SOURCE on the webhook)";
  return "template default (the role's)";
}
