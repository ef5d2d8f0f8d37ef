import { KNOWN_TEMPLATE_IDS } from "../../domain/templates/index.ts";
import type { AdmissionDeps } from "./types.ts";

/** The template parameter this project adds (ADR 5); not a parameter of the Ansible role. */
export const STORAGE_CLASS_PARAMETER = "storage_class";
export const STORAGE_CLASS_FIELD = `spec.templateParameters.${STORAGE_CLASS_PARAMETER}`;
export const STORAGE_CLASS_ENV = "CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS";
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

export interface ResolvedStorageClass {
  readonly name: string;
  /** How the cluster default was chosen (e.g. several defaults, newest wins); empty for the env. */
  readonly warnings: readonly string[];
}

/**
 * The class for an order or DataVolume that names none, by the role's rule:
 * `CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS`, else the cluster's default StorageClass.
 */
export function resolveStorageClass(deps: AdmissionDeps): ResolvedStorageClass | undefined {
  if (deps.envStorageClass) return { name: deps.envStorageClass, warnings: [] };
  return deps.storageClasses.defaultClass();
}

/** The template family whose parameters include `storage_class` (the role's template and its aliases). */
export function hasStorageClassParameter(templateId: unknown): templateId is string {
  return typeof templateId === "string" && KNOWN_TEMPLATE_IDS.includes(templateId);
}

/** The three ways out when no class can be had, for denials and warnings. */
export const NO_STORAGE_CLASS_FIXES =
  `name one in the order (${STORAGE_CLASS_PARAMETER}), set ${STORAGE_CLASS_ENV} on the webhook, ` +
  `or mark a StorageClass default with the annotation ${DEFAULT_CLASS_ANNOTATION}: "true"`;
