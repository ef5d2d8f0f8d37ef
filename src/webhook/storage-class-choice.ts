/** The fields of a StorageClass that choosing a default needs. */
export interface StorageClassSummary {
  readonly name: string;
  readonly creationTimestamp?: string;
  readonly isDefault: boolean;
}

export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
const BETA_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";

export function summarizeStorageClass(object: { metadata?: { name?: string; creationTimestamp?: string | Date; annotations?: Record<string, string> } }): StorageClassSummary {
  const annotations = object.metadata?.annotations ?? {};
  const created = object.metadata?.creationTimestamp;
  return {
    name: object.metadata?.name ?? "",
    ...(created ? { creationTimestamp: created instanceof Date ? created.toISOString() : created } : {}),
    isDefault: annotations[DEFAULT_CLASS_ANNOTATION] === "true" || annotations[BETA_DEFAULT_CLASS_ANNOTATION] === "true",
  };
}

/**
 * The cluster's default class as Kubernetes chooses it: among classes annotated as default, the
 * newest wins (ties by name), with a warning when there are several.
 */
export function chooseDefaultStorageClass(classes: readonly StorageClassSummary[]): { name: string; warnings: string[] } | undefined {
  const defaults = classes.filter((c) => c.isDefault).sort((a, b) => compareNewestFirst(a, b));
  const [chosen] = defaults;
  if (!chosen) return undefined;
  const warnings =
    defaults.length > 1 ? [`${defaults.length} StorageClasses are marked default; using the newest, '${chosen.name}'`] : [];
  return { name: chosen.name, warnings };
}

function compareNewestFirst(a: StorageClassSummary, b: StorageClassSummary): number {
  const byTime = (b.creationTimestamp ?? "").localeCompare(a.creationTimestamp ?? "");
  return byTime !== 0 ? byTime : a.name.localeCompare(b.name);
}
