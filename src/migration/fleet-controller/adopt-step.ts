import { Annotations, type ManagedBy } from "../../api/well-known.ts";
import { FIELD_MANAGER } from "../../controller/order-reconciler.ts";
import { objectPath, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import { firmwarePinToAdd } from "../fleet/firmware-pin.ts";
import { ownershipBody, ownsFields } from "../fleet/ownership.ts";
import { runStrategyConversion } from "../fleet/run-strategy.ts";
import type { LiveObject } from "../live-object.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { readOrderStates } from "./batch-reads.ts";
import { SEALED_SECRET_MANAGED, secretsToMarkManaged } from "../fleet-gitops/sealed-secret-takeover.ts";

export const MIGRATION_FIELD_MANAGER = "osac-vm-migration";
const MERGE = "application/merge-patch+json";
const ORDER_API_VERSION = "cloudkit.openshift.io/v1alpha1";

/** Sets the order's managed-by annotation (merge patch, the migration's own field manager). */
export async function setManagedBy(rest: Pick<KubeRestClient, "request">, namespace: string, name: string, mode: ManagedBy): Promise<void> {
  await rest.request("PATCH", `${objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name)}?fieldManager=${MIGRATION_FIELD_MANAGER}`, {
    body: { metadata: { annotations: { [Annotations.managedBy]: mode } } },
    contentType: MERGE,
    discardBody: true,
  });
}

/** Pins the order's firmware UUID (merge patch, the migration's own field manager). */
export async function pinFirmwareUuid(rest: Pick<KubeRestClient, "request">, namespace: string, name: string, uuid: string): Promise<void> {
  await rest.request("PATCH", `${objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name)}?fieldManager=${MIGRATION_FIELD_MANAGER}`, {
    body: { metadata: { annotations: { [Annotations.firmwareUuid]: uuid } } },
    contentType: MERGE,
    discardBody: true,
  });
}

/** Marks a Secret `sealedsecrets.bitnami.com/managed: "true"` (merge patch, the migration's field manager). */
async function markManaged(rest: Pick<KubeRestClient, "request">, secret: LiveObject): Promise<void> {
  await rest.request("PATCH", `${objectPath("v1", "Secret", secret.metadata.namespace, secret.metadata.name ?? "")}?fieldManager=${MIGRATION_FIELD_MANAGER}`, {
    body: { metadata: { annotations: { [SEALED_SECRET_MANAGED]: "true" } } },
    contentType: MERGE,
    discardBody: true,
  });
}

/**
 * Converts a role-era VM's `spec.running` into `spec.runStrategy` (one JSON patch, same meaning;
 * see run-strategy.ts). Returns the child as it is afterwards.
 */
async function convertRunning(rest: Pick<KubeRestClient, "request">, child: LiveObject, fieldManager: string): Promise<LiveObject> {
  const conversion = runStrategyConversion(child);
  if (!conversion) return child;
  const path = objectPath(child.apiVersion ?? "", child.kind ?? "", child.metadata.namespace, child.metadata.name ?? "");
  await rest.request("PATCH", `${path}?fieldManager=${fieldManager}`, { body: conversion.patch, contentType: "application/json-patch+json", discardBody: true });
  return conversion.converted;
}

/**
 * Adopt one order. First its firmware UUID is pinned to the live VM's (ADR 32), so what the
 * controller applies and the tree holds keep the VM's identity. `controller`: server-side apply
 * of each live child's own values by the controller's field manager (ownership, no value
 * changes), then `managed-by: controller` on the order, so the controller finds the fields
 * already its own. `gitops` (ADR 34): the VM's `spec.running` converted, each Secret marked for
 * the sealed-secrets controller's takeover, then `managed-by:
 * gitops`, which the committer acts on; nothing is written to Git from here, and Verify waits
 * for Argo CD. Idempotent: an order already on the target mode whose children the controller
 * already owns gets no write. Returns whether anything was written.
 */
export async function runAdopt(rest: KubeRestClient, migration: FleetMigration, name: string, logger: Logger): Promise<boolean> {
  const [state] = await readOrderStates(rest, migration, [name]);
  if (!state?.order) {
    logger.warn({ kind: "VirtualMachine", namespace: migration.metadata.namespace, name }, "Found the order gone; Verify will fail its batch");
    return false;
  }
  const target = migration.spec.targetMode;
  const mode = state.order.metadata.annotations?.[Annotations.managedBy];
  const pin = mode === target ? undefined : firmwarePinToAdd(state.order, state.children);
  if (pin) await pinFirmwareUuid(rest, migration.metadata.namespace, name, pin);
  if (target === "gitops") {
    // The committer is Git's one writer (ADR 0034): managed-by: gitops makes it commit the
    // order's files; Verify waits for the commit and for Argo CD to adopt the objects.
    for (const child of state.children) await convertRunning(rest, child, MIGRATION_FIELD_MANAGER);
    // A committer that seals commits a SealedSecret for each Secret; its controller takes over
    // only a Secret marked as managed (ADR 0034), updating it in place (same uid).
    const marked = secretsToMarkManaged(state.children);
    for (const secret of marked) await markManaged(rest, secret);
    if (mode !== target) await setManagedBy(rest, migration.metadata.namespace, name, target);
    logger.info(
      { kind: "VirtualMachine", namespace: migration.metadata.namespace, name, migration: migration.metadata.name, annotated: mode !== target, secretsMarkedManaged: marked.length, firmwarePinned: pin !== undefined },
      mode !== target ? "Handed an order to the committer" : "Found the order already on gitops",
    );
    return mode !== target;
  }
  const unowned = state.children.filter((child) => !ownsFields(child, FIELD_MANAGER) || runStrategyConversion(child));
  for (const live of unowned) {
    const child = await convertRunning(rest, live, FIELD_MANAGER);
    await rest.apply(objectPath(child.apiVersion ?? "", child.kind ?? "", child.metadata.namespace, child.metadata.name ?? ""), ownershipBody(child), FIELD_MANAGER, { discardBody: true });
  }
  if (mode !== target) await setManagedBy(rest, migration.metadata.namespace, name, target);
  const wrote = unowned.length > 0 || mode !== target;
  logger.info(
    { kind: "VirtualMachine", namespace: migration.metadata.namespace, name, migration: migration.metadata.name, objects: unowned.length, annotated: mode !== target, firmwarePinned: pin !== undefined },
    wrote ? "Adopted an order" : "Found the order already adopted",
  );
  return wrote;
}
