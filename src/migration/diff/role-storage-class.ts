import { chooseDefaultStorageClass, summarizeStorageClass } from "../../webhook/storage-class-choice.ts";
import type { LiveObject } from "../live-object.ts";

export interface StorageClassResolution {
  /** Undefined: no class would be rendered. */
  readonly name?: string;
  readonly source: string;
}

/**
 * The class the Ansible role gives orders without `storage_class`: `--default-storage-class`,
 * else its environment variable CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, else the cluster's default
 * StorageClass (the newest one annotated default, as Kubernetes chooses). `classes` undefined:
 * they were not read. Pure.
 */
export function roleStorageClass(flag: string | undefined, env: string | undefined, classes: readonly LiveObject[] | undefined): StorageClassResolution {
  if (flag) return { name: flag, source: "--default-storage-class" };
  if (env) return { name: env, source: "CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS (the role's setting)" };
  const chosen = chooseDefaultStorageClass((classes ?? []).map((item) => summarizeStorageClass(item as never)));
  if (chosen) return { name: chosen.name, source: "the cluster's default StorageClass (storageclass.kubernetes.io/is-default-class)" };
  return { source: "none: no --default-storage-class, no CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS and no default StorageClass" };
}
