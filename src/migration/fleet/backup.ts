import { gunzipSync, gzipSync } from "node:zlib";
import type { LiveObject } from "../live-object.ts";

/** One order's children as they were before its batch changed anything. */
export interface OrderBackup {
  readonly order: string;
  /** The children, each without managedFields and status. */
  readonly objects: readonly LiveObject[];
  /** The running VM's instance, for Verify. */
  readonly instance?: { readonly name: string; readonly uid: string; readonly launcherContainerImageVersion?: string };
}

export interface BatchBackup {
  readonly migration: string;
  readonly batch: number;
  readonly takenAt: string;
  readonly orders: readonly OrderBackup[];
}

export const BACKUP_KEY = "backup.json.gz";
/** A Secret holds at most 1 MiB; leave room for its metadata. */
export const MAX_BACKUP_BYTES = 900 * 1024;

export class BackupTooLargeError extends Error {
  readonly code = "BackupTooLarge";
}

/** `<migration>-batch-<n>-backup` (the CRD keeps migration names ≤ 40 characters). */
export function backupSecretName(migration: string, batch: number): string {
  return `${migration}-batch-${batch}-backup`;
}

/** A child as it is kept: no managedFields, no status (observed state is not restored). */
export function backupObject(object: LiveObject): LiveObject {
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  const { status: _status, ...rest } = object;
  return { ...rest, metadata };
}

/** gzip of the JSON, base64 for the Secret's data; throws BackupTooLargeError past the limit. Pure. */
export function encodeBackup(backup: BatchBackup): string {
  const zipped = gzipSync(Buffer.from(JSON.stringify(backup), "utf8"));
  if (zipped.length > MAX_BACKUP_BYTES) {
    throw new BackupTooLargeError(
      `batch ${backup.batch}'s backup is ${zipped.length} bytes compressed, more than the ${MAX_BACKUP_BYTES} a Secret can hold: lower spec.batchSize (create another FleetMigration)`,
    );
  }
  return zipped.toString("base64");
}

export function decodeBackup(data: string): BatchBackup {
  return JSON.parse(gunzipSync(Buffer.from(data, "base64")).toString("utf8")) as BatchBackup;
}
