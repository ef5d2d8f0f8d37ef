import { Annotations } from "../../api/well-known.ts";
import { validateOrder } from "../../domain/order.ts";
import { CONTROLLER_FINALIZER, FIELD_MANAGER } from "../../controller/order-reconciler.ts";
import { objectPath, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import type { LiveObject } from "../live-object.ts";
import { objectKey, referenceOf } from "../live-object.ts";
import { BACKUP_KEY, decodeBackup, type BatchBackup } from "../fleet/backup.ts";
import { CommitterUnavailableError, type GitopsCommitter } from "../fleet/gitops-committer.ts";
import { pinWrittenBy } from "../fleet/firmware-pin.ts";
import { managedFieldsWithout } from "../fleet/ownership.ts";
import { restoreAction } from "../fleet/restore.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { MIGRATION_FIELD_MANAGER, setManagedBy } from "./adopt-step.ts";
import { readOrderStates } from "./batch-reads.ts";

const MERGE = "application/merge-patch+json";
const ORDER_API_VERSION = "cloudkit.openshift.io/v1alpha1";

export async function readBackup(rest: Pick<KubeRestClient, "request">, namespace: string, secret: string): Promise<BatchBackup> {
  const answer = await rest.request<{ data?: Record<string, string> }>("GET", `/api/v1/namespaces/${namespace}/secrets/${secret}`);
  const data = answer.body.data?.[BACKUP_KEY];
  if (!data) throw new Error(`Secret ${namespace}/${secret} holds no ${BACKUP_KEY}`);
  return decodeBackup(data);
}

/**
 * Roll back one order: `managed-by: aap` first (the controller lets go and releases its
 * finalizer; we release it too in case no controller runs), the firmware UUID pin removed if
 * this migration wrote it, the gitops files removed (objects
 * orphaned), each child that differs from its backup written back (a gone one re-created), then
 * the controller's field ownership given up by rewriting managedFields without its entry (no
 * value is removed). Idempotent. Returns the children restored, by kind/name.
 */
export async function runRollbackOrder(rest: KubeRestClient, migration: FleetMigration, backup: BatchBackup, name: string, committer: GitopsCommitter | undefined, logger: Logger): Promise<string[]> {
  const namespace = migration.metadata.namespace;
  const saved = backup.orders.find((entry) => entry.order === name);
  const [state] = await readOrderStates(rest, migration, [name]);
  const order = state?.order;
  if (order) {
    if (order.metadata.annotations?.[Annotations.managedBy] !== "aap") {
      if (migration.spec.targetMode === "gitops" && order.metadata.annotations?.[Annotations.managedBy] === "gitops") {
        if (!committer) throw new CommitterUnavailableError();
        const valid = validateOrder(order).value;
        if (valid) await committer.removeOrders([valid], `Roll back ${namespace}/${name} (FleetMigration ${migration.metadata.name})`);
      }
      await setManagedBy(rest, namespace, name, "aap");
    }
    // The pin goes only if this migration wrote it, and after managed-by: aap (the webhook keeps a pin on a rendered order).
    if (pinWrittenBy(order, MIGRATION_FIELD_MANAGER)) await unpinFirmwareUuid(rest, namespace, name);
    if (((order.metadata.finalizers as string[] | undefined) ?? []).includes(CONTROLLER_FINALIZER)) {
      const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace, finalizers: [] } };
      await rest.apply(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name), body, `${FIELD_MANAGER}-finalizer`, { discardBody: true });
    }
  }
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
    if (current) await releaseOwnership(rest, path, current);
  }
  // Children the controller created after adoption (not in the backup) stay; only its ownership goes.
  for (const child of live.values()) {
    await releaseOwnership(rest, objectPath(child.apiVersion ?? "", child.kind ?? "", child.metadata.namespace, child.metadata.name ?? ""), child);
  }
  return restored;
}

async function unpinFirmwareUuid(rest: Pick<KubeRestClient, "request">, namespace: string, name: string): Promise<void> {
  await rest.request("PATCH", `${objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name)}?fieldManager=${MIGRATION_FIELD_MANAGER}`, {
    body: { metadata: { annotations: { [Annotations.firmwareUuid]: null } } },
    contentType: MERGE,
    discardBody: true,
  });
}

async function releaseOwnership(rest: Pick<KubeRestClient, "request">, path: string, object: LiveObject): Promise<void> {
  const managedFields = managedFieldsWithout(object, [FIELD_MANAGER]);
  if (!managedFields) return;
  await rest.request("PATCH", path, {
    body: { metadata: { managedFields, resourceVersion: object.metadata.resourceVersion } },
    contentType: MERGE,
    discardBody: true,
  });
}
