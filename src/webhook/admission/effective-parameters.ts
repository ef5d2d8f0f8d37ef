import { parseTemplateParameters, type VmParameters } from "../../domain/templates/index.ts";
import { objectAt } from "./decision.ts";
import { decodeParameters } from "./parameters-text.ts";
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

export function effectiveParameters(order: unknown): EffectiveParameters {
  const spec = objectAt(order, "spec");
  const templateId = spec?.["templateID"];
  const text = spec?.["templateParameters"];
  if (!hasStorageClassParameter(templateId) || (text !== undefined && typeof text !== "string")) return {};
  const decoded = decodeParameters(text);
  if (decoded === undefined) return {};
  const one = (name: string): VmParameters | undefined => {
    const given = Object.hasOwn(decoded, name) ? { [name]: decoded[name] } : {};
    return parseTemplateParameters(templateId, JSON.stringify(given)).value;
  };
  const image = one("image_source");
  const disk = one("disk_size");
  const storage = one("storage_class");
  return {
    ...(image ? { imageSource: image.imageSource } : {}),
    ...(disk ? { diskSize: disk.diskSize } : {}),
    ...(storage ? { storageClass: storage.storageClass === undefined ? {} : { name: storage.storageClass } } : {}),
  };
}
