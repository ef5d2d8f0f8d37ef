import { KubeApiError, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import { backupObject, backupSecretName, BACKUP_KEY, encodeBackup, type OrderBackup } from "../fleet/backup.ts";
import { FLEET_MIGRATION_API_VERSION, FLEET_MIGRATION_KIND, type FleetMigration } from "../fleet/types.ts";
import { readOrderStates } from "./batch-reads.ts";

export const MIGRATION_LABEL = "gitops.cloudkit.openshift.io/fleet-migration";
export const BATCH_LABEL = "gitops.cloudkit.openshift.io/batch";

/**
 * Backup: the batch's live children and each running VM's instance identity into one Secret,
 * gzipped JSON, owned by the FleetMigration, before anything of the batch changes. An existing
 * Secret of that name is the batch's backup from an earlier attempt (taken before any change,
 * since adoption starts only once the status records the backup): it is kept, never replaced.
 */
export async function runBackup(rest: KubeRestClient, migration: FleetMigration, batch: number, orders: readonly string[], now: Date): Promise<{ secret: string; objects: number }> {
  const name = backupSecretName(migration.metadata.name, batch);
  const namespace = migration.metadata.namespace;
  const states = await readOrderStates(rest, migration, orders);
  const backups: OrderBackup[] = states.map((state) => ({
    order: state.name,
    objects: state.children.map(backupObject),
    ...(state.instance
      ? {
          instance: {
            name: state.instance.metadata.name ?? "",
            uid: state.instance.metadata.uid ?? "",
            ...(state.instance.status?.launcherContainerImageVersion ? { launcherContainerImageVersion: String(state.instance.status.launcherContainerImageVersion) } : {}),
          },
        }
      : {}),
  }));
  const objects = backups.reduce((sum, backup) => sum + backup.objects.length, 0);
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: {
      name,
      namespace,
      labels: { [MIGRATION_LABEL]: migration.metadata.name, [BATCH_LABEL]: String(batch) },
      ...(migration.metadata.uid
        ? { ownerReferences: [{ apiVersion: FLEET_MIGRATION_API_VERSION, kind: FLEET_MIGRATION_KIND, name: migration.metadata.name, uid: migration.metadata.uid }] }
        : {}),
    },
    data: { [BACKUP_KEY]: encodeBackup({ migration: migration.metadata.name, batch, takenAt: now.toISOString(), orders: backups }) },
  };
  try {
    await rest.request("POST", `/api/v1/namespaces/${namespace}/secrets?fieldManager=osac-vm-migration`, { body: secret, discardBody: true });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 409)) throw error;
  }
  return { secret: name, objects };
}
