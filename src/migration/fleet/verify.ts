import { Annotations } from "../../api/well-known.ts";
import { validateOrder } from "../../domain/order.ts";
import type { LiveObject } from "../live-object.ts";
import type { OrderBackup } from "./backup.ts";
import type { TargetMode } from "./types.ts";

export interface OrderObservation {
  readonly order?: LiveObject;
  readonly vm?: LiveObject;
  readonly instance?: LiveObject;
}

/**
 * What is wrong with one adopted order, empty when nothing (ADR 0032): the order is on the target
 * mode; the VMI that ran at backup still runs (same uid) with the same launcher image; the VM has
 * no `RestartRequired=True`; the order's configuration is the one its children were made from
 * (the role's `reconciled-config-version`, or the controller's `status.reconciledConfigVersion`).
 * Pure.
 */
export function verifyOrder(backup: OrderBackup, observed: OrderObservation, target: TargetMode): string[] {
  const problems: string[] = [];
  const name = backup.order;
  const order = observed.order;
  if (!order) return [`${name}: the order is gone`];
  const mode = order.metadata.annotations?.[Annotations.managedBy];
  if (mode !== target) problems.push(`${name}: managed-by is ${mode ?? "unset"}, not ${target}`);
  if (backup.instance) {
    const instance = observed.instance;
    if (!instance) problems.push(`${name}: VMI ${backup.instance.name} (uid ${backup.instance.uid}) is gone`);
    else {
      if (instance.metadata.uid !== backup.instance.uid) problems.push(`${name}: VMI uid changed from ${backup.instance.uid} to ${instance.metadata.uid} (the VM restarted)`);
      const image = instance.status?.launcherContainerImageVersion;
      if (backup.instance.launcherContainerImageVersion !== undefined && image !== backup.instance.launcherContainerImageVersion) {
        problems.push(`${name}: launcherContainerImageVersion changed from ${backup.instance.launcherContainerImageVersion} to ${image ?? "none"}`);
      }
    }
  }
  const conditions = (observed.vm?.status?.conditions ?? []) as { type?: string; status?: string; message?: string }[];
  const restart = conditions.find((condition) => condition.type === "RestartRequired" && condition.status === "True");
  if (restart) problems.push(`${name}: VM has RestartRequired=True${restart.message ? ` (${restart.message})` : ""}`);
  const desired = validateOrder(order).value?.desiredConfigVersion;
  const reconciled = [order.metadata.annotations?.[Annotations.reconciledConfigVersion], order.status?.reconciledConfigVersion].filter(Boolean);
  if (desired && !reconciled.includes(desired)) problems.push(`${name}: config version ${desired} is not reconciled (reconciled: ${reconciled.join(", ") || "none"})`);
  return problems;
}
