import { Annotations } from "../../api/well-known.ts";
import { showValue, type FieldError } from "../../domain/field-error.ts";
import { objectAt, stringAt, type JsonObject } from "./decision.ts";

export const FIRMWARE_UUID_FIELD = `metadata.annotations[${Annotations.firmwareUuid}]`;

/**
 * The update rules of the firmware UUID pin (ADR 3, ADR 32): once set it never changes (a new
 * value would give the VM another SMBIOS identity on its next restart); it may be removed only
 * while the order is on the Ansible path (`managed-by: aap` or none), where nothing renders it (a
 * fleet migration's rollback). Adding one to an order whose children this project renders is
 * allowed, with a warning. Its syntax is the domain's rule (checkOrderEnvelope), checked here
 * when it changed, since an update's domain errors are otherwise only those of what changed.
 */
export function checkFirmwarePinOnUpdate(order: JsonObject, old: JsonObject, domainErrors: readonly FieldError[]): { errors: FieldError[]; warnings: string[] } {
  const before = stringAt(annotationsOf(old), Annotations.firmwareUuid);
  const after = stringAt(annotationsOf(order), Annotations.firmwareUuid);
  if (after === before) return { errors: [], warnings: [] };
  const managedBy = stringAt(annotationsOf(order), Annotations.managedBy);
  const rendered = managedBy === "controller" || managedBy === "gitops";
  if (before !== undefined && after === undefined) {
    if (!rendered) return { errors: [], warnings: [] };
    return { errors: [{ field: FIRMWARE_UUID_FIELD, message: `cannot be removed while the order is managed by '${managedBy}' (it was ${JSON.stringify(showValue(before))}): the VM would get another firmware UUID` }], warnings: [] };
  }
  if (before !== undefined) {
    return {
      errors: [{ field: FIRMWARE_UUID_FIELD, value: showValue(after), message: `is immutable: it pins the VM's firmware identity; it was ${JSON.stringify(showValue(before))}` }],
      warnings: [],
    };
  }
  const syntax = domainErrors.filter((error) => error.field === FIRMWARE_UUID_FIELD);
  if (syntax.length > 0) return { errors: syntax, warnings: [] };
  return { errors: [], warnings: rendered ? [`${FIRMWARE_UUID_FIELD}: on a '${managedBy}' order: applies at the VM's next restart`] : [] };
}

function annotationsOf(object: JsonObject): JsonObject | undefined {
  return objectAt(objectAt(object, "metadata"), "annotations");
}
