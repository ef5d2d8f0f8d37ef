import type { AdmissionDeps } from "../../src/webhook/admission/types.ts";
import { standaloneStorageClasses } from "../../src/webhook/storage-class-source.ts";

/**
 * What ours decides with in the webhook benchmark: standalone (no cluster, so no default
 * StorageClass), `CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS=standard`, new orders managed by `aap`.
 * The in-process tools and the floor's `--same-answer` use it to decide as the real server does.
 */
export const BENCH_ADMISSION_DEPS: AdmissionDeps = {
  storageClasses: standaloneStorageClasses(),
  managedBy: { defaultMode: "aap" },
  envStorageClass: "standard",
};
