import { Annotations } from "../../api/well-known.ts";
import { CONTROLLER_FINALIZER, FIELD_MANAGER } from "../../controller/order-reconciler.ts";
import { objectPath, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import type { LiveObject } from "../live-object.ts";
import { objectKey, referenceOf } from "../live-object.ts";
import { BACKUP_KEY, decodeBackup, type BatchBackup } from "../fleet/backup.ts";
import { pinWrittenBy } from "../fleet/firmware-pin.ts";
import { managedFieldsWithout } from "../fleet/ownership.ts";
import { restoreAction } from "../fleet/restore.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { MIGRATION_FIELD_MANAGER, setManagedBy } from "./adopt-step.ts";
import { readOrderStates } from "./batch-reads.ts";
import { ARGOCD_FIELD_MANAGER, SYNC_OPTIONS, withPruneDisabled } from "../fleet-gitops/argocd-tracking.ts";
import { removalPending } from "../fleet-gitops/argo-observation.ts";
import { readApplications, type GitopsSettings } from "./gitops-reads.ts";
import { sealedSecretRelease } from "../fleet-gitops/sealed-secret-takeover.ts";
import { COMMITTER_FINALIZER, FIELD_MANAGER as COMMITTER_FIELD_MANAGER } from "../../gitops/committer/order-housekeeping.ts";

const MERGE = "application/merge-patch+json";
const ORDER_API_VERSION = "cloudkit.openshift.io/v1alpha1";

export async function readBackup(rest: Pick<KubeRestClient, "request">, namespace: string, secret: string): Promise<BatchBackup> {
  const answer = await rest.request<{ data?: Record<string, string> }>("GET", `/api/v1/namespaces/${namespace}/secrets/${secret}`);
  const data = answer.body.data?.[BACKUP_KEY];
  if (!data) throw new Error(`Secret ${namespace}/${secret} holds no ${BACKUP_KEY}`);
  return decodeBackup(data);
}

/** A rollback step's answer: the children restored, or (gitops) what it waits for first. */
export type RollbackResult = { readonly restored: string[] } | { readonly pending: string[] };

/**
 * Roll back one order: `managed-by: aap` first (the controller lets go and releases its
 * finalizer; we release it too in case no controller runs), the firmware UUID pin removed if
 * this migration wrote it, each child that differs from its backup written back (a gone one
 * re-created), then the controller's (and Argo CD's) field ownership given up by rewriting
 * managedFields without their entries (no value is removed). `gitops` (ADR 0034): before
 * `managed-by: aap` (which makes the committer remove the files) every live child is marked
 * `Prune=false`, so Argo CD orphans it instead of pruning it, and before that every Secret is
 * released from its SealedSecret (which Argo CD prunes); the restore waits until the removal
 * is pushed and Argo CD compared it, and takes the tracking id and the mark away with the rest.
 * Idempotent.
 */
export async function runRollbackOrder(rest: KubeRestClient, migration: FleetMigration, backup: BatchBackup, name: string, gitops: GitopsSettings, logger: Logger): Promise<RollbackResult> {
  const namespace = migration.metadata.namespace;
  const gitopsMode = migration.spec.targetMode === "gitops";
  const saved = backup.orders.find((entry) => entry.order === name);
  const [state] = await readOrderStates(rest, migration, [name]);
  const order = state?.order;
  let handedBack = false;
  // First of all (ADR 0034): no Secret may depend on a SealedSecret that Argo CD prunes once the
  // files are removed, or the garbage collector deletes it.
  const released = gitopsMode ? await releaseFromSealedSecrets(rest, state?.children ?? [], logger) : 0;
  if (order) {
    if (order.metadata.annotations?.[Annotations.managedBy] !== "aap") {
      if (gitopsMode) for (const child of state.children) await disablePrune(rest, child);
      await setManagedBy(rest, namespace, name, "aap");
      handedBack = true;
    }
    // The pin goes only if this migration wrote it, and after managed-by: aap (the webhook keeps a pin on a rendered order).
    if (pinWrittenBy(order, MIGRATION_FIELD_MANAGER)) await unpinFirmwareUuid(rest, namespace, name);
    if (((order.metadata.finalizers as string[] | undefined) ?? []).includes(CONTROLLER_FINALIZER)) {
      const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace, finalizers: [] } };
      await rest.apply(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name), body, `${FIELD_MANAGER}-finalizer`, { discardBody: true });
    }
  }
  if (gitopsMode) {
    if (handedBack) return { pending: [`${name}: handed back to aap; waiting for the committer to remove its files`] };
    if (released > 0) return { pending: [`${name}: released ${released} Secret(s) from their SealedSecret; reading them again`] };
    const pending = removalPending(name, state?.children ?? [], await readApplications(rest, gitops, state?.children ?? []));
    if (pending.length > 0) return { pending };
    // The committer releases its finalizer once the branch holds none of the order's files, but
    // only when something touches the order after the push; Argo CD comparing the removal proves
    // the push, so it is released here (as the controller's is above).
    if (order && ((order.metadata.finalizers as string[] | undefined) ?? []).includes(COMMITTER_FINALIZER)) {
      const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace, finalizers: [] } };
      await rest.apply(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name), body, `${COMMITTER_FIELD_MANAGER}-finalizer`, { discardBody: true });
    }
  }
  const managers = gitopsMode ? [FIELD_MANAGER, ARGOCD_FIELD_MANAGER] : [FIELD_MANAGER];
  const live = new Map((state?.children ?? []).map((child) => [objectKey(referenceOf(child)), child]));
  const restored: string[] = [];
  for (const object of saved?.objects ?? []) {
    const key = objectKey(referenceOf(object));
    const action = restoreAction(object, live.get(key));
    let current = live.get(key);
    const path = objectPath(object.apiVersion ?? "", object.kind ?? "", object.metadata.namespace, object.metadata.name ?? "");
    if (action.kind === "update") {
      current = (await rest.request<LiveObject>("PUT", `${path}?fieldManager=${MIGRATION_FIELD_MANAGER}`, { body: action.body })).body;
      restored.push(key);
      logger.info({ kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, fields: action.fields }, "Restored a child from its backup");
    } else if (action.kind === "create") {
      const collection = path.slice(0, path.lastIndexOf("/"));
      current = (await rest.request<LiveObject>("POST", `${collection}?fieldManager=${MIGRATION_FIELD_MANAGER}`, { body: action.body })).body;
      restored.push(key);
      logger.info({ kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name }, "Re-created a child from its backup");
    }
    live.delete(key);
    if (current) await releaseOwnership(rest, path, current, managers);
  }
  // Children the controller created after adoption (not in the backup) stay; only its ownership goes.
  for (const child of live.values()) {
    await releaseOwnership(rest, objectPath(child.apiVersion ?? "", child.kind ?? "", child.metadata.namespace, child.metadata.name ?? ""), child, managers);
  }
  return { restored };
}

/**
 * Takes each Secret the sealed-secrets controller took over back from its SealedSecret: the
 * controlling ownerReference and the managed mark removed (JSON patch, each removal tested
 * first: a concurrent change fails the patch and the step is retried). Returns how many.
 */
async function releaseFromSealedSecrets(rest: Pick<KubeRestClient, "request">, children: readonly LiveObject[], logger: Logger): Promise<number> {
  let released = 0;
  for (const child of children) {
    const patch = sealedSecretRelease(child);
    if (!patch) continue;
    const path = objectPath("v1", "Secret", child.metadata.namespace, child.metadata.name ?? "");
    await rest.request("PATCH", `${path}?fieldManager=${MIGRATION_FIELD_MANAGER}`, { body: patch, contentType: "application/json-patch+json", discardBody: true });
    logger.info({ kind: "Secret", namespace: child.metadata.namespace, name: child.metadata.name }, "Released a Secret from its SealedSecret");
    released++;
  }
  return released;
}

/** Adds `Prune=false` to a child's Argo CD sync options (merge patch, the migration's field manager). */
async function disablePrune(rest: Pick<KubeRestClient, "request">, child: LiveObject): Promise<void> {
  const options = withPruneDisabled(child.metadata.annotations?.[SYNC_OPTIONS]);
  if (options === undefined) return;
  const path = objectPath(child.apiVersion ?? "", child.kind ?? "", child.metadata.namespace, child.metadata.name ?? "");
  await rest.request("PATCH", `${path}?fieldManager=${MIGRATION_FIELD_MANAGER}`, { body: { metadata: { annotations: { [SYNC_OPTIONS]: options } } }, contentType: MERGE, discardBody: true });
}

async function unpinFirmwareUuid(rest: Pick<KubeRestClient, "request">, namespace: string, name: string): Promise<void> {
  await rest.request("PATCH", `${objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name)}?fieldManager=${MIGRATION_FIELD_MANAGER}`, {
    body: { metadata: { annotations: { [Annotations.firmwareUuid]: null } } },
    contentType: MERGE,
    discardBody: true,
  });
}

async function releaseOwnership(rest: Pick<KubeRestClient, "request">, path: string, object: LiveObject, managers: readonly string[]): Promise<void> {
  const managedFields = managedFieldsWithout(object, managers);
  if (!managedFields) return;
  await rest.request("PATCH", path, {
    body: { metadata: { managedFields, resourceVersion: object.metadata.resourceVersion } },
    contentType: MERGE,
    discardBody: true,
  });
}
