import { readTemplateParameters, type ParameterReading, type VmParameters } from "../../domain/templates/index.ts";
import { objectAt } from "./decision.ts";
import { hasStorageClassParameter } from "./storage-class.ts";

/**
 * The values the update rules compare, each with the role's default applied. A parameter is
 * undefined when it cannot be told (unknown template, unreadable text, invalid value): the rule
 * is then not applied, and validation reports the invalid value itself. Each parameter is read on
 * its own, so one invalid parameter does not hide a change of another.
 */
export interface EffectiveParameters {
  readonly imageSource?: string;
  readonly diskSize?: string;
  /** `name` undefined: no class named (the cluster default applies). */
  readonly storageClass?: { readonly name?: string };
}

const COMPARED = ["image_source", "disk_size", "storage_class"] as const;

/** From an order's text: for the stored object of an update, and for orders that failed validation. */
export function effectiveParameters(order: unknown): EffectiveParameters {
  const spec = objectAt(order, "spec");
  const templateId = spec?.["templateID"];
  const text = spec?.["templateParameters"];
  if (!hasStorageClassParameter(templateId) || (text !== undefined && typeof text !== "string")) return {};
  const reading = readTemplateParameters(templateId, text, COMPARED);
  return reading === undefined ? {} : fromReading(reading);
}

/** From the parameters of an order that passed validation (all valid): no second parse. */
export function effectiveOf(parameters: VmParameters): EffectiveParameters {
  return fromReading({ values: parameters, invalid: [] });
}

function fromReading({ values, invalid }: ParameterReading): EffectiveParameters {
  const effective: { imageSource?: string; diskSize?: string; storageClass?: { name?: string } } = {};
  if (!invalid.includes("image_source")) effective.imageSource = values.imageSource;
  if (!invalid.includes("disk_size")) effective.diskSize = values.diskSize;
  if (!invalid.includes("storage_class")) effective.storageClass = values.storageClass === undefined ? {} : { name: values.storageClass };
  return effective;
}
