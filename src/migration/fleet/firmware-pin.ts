import { Annotations } from "../../api/well-known.ts";
import { isUuid } from "../../domain/firmware-uuid.ts";
import type { LiveObject } from "../live-object.ts";

/**
 * The firmware UUID adoption pins on an order (ADR 32): its live VirtualMachine's
 * `spec.template.spec.domain.firmware.uuid` (KubeVirt's, random on ≥ 1.6), so the gitops rendering
 * keeps the VM's identity and its template does not change (no restart). None when the order
 * already has a pin or the VM has no valid UUID. Pure.
 */
export function firmwarePinToAdd(order: LiveObject, children: readonly LiveObject[]): string | undefined {
  if (order.metadata.annotations?.[Annotations.firmwareUuid] !== undefined) return undefined;
  const vm = children.find((child) => child.kind === "VirtualMachine");
  const uuid: unknown = vm?.spec?.template?.spec?.domain?.firmware?.uuid;
  return typeof uuid === "string" && isUuid(uuid) ? uuid : undefined;
}

interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly subresource?: string;
  readonly fieldsV1?: Record<string, any>;
}

/**
 * Whether `manager` wrote the order's pin: its managedFields entry holds the annotation. The API
 * server records a field only for the manager that changed it, so a pin that was there before
 * adoption stays with whoever wrote it, and a rollback keeps it. Pure.
 */
export function pinWrittenBy(order: LiveObject, manager: string): boolean {
  const key = `f:${Annotations.firmwareUuid}`;
  return ((order.metadata.managedFields ?? []) as ManagedFieldsEntry[]).some(
    (entry) => entry.manager === manager && !entry.subresource && entry.fieldsV1?.["f:metadata"]?.["f:annotations"]?.[key] !== undefined,
  );
}
