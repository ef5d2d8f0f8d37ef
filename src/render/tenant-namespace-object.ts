import { Annotations, Labels, PRODUCT } from "../api/well-known.ts";
import { ARGO_SYNC_WAVE, KEEP_WHEN_REMOVED_FROM_GIT, PART_OF, SyncWave } from "./gitops-metadata.ts";

export interface TenantNamespaceInput {
  readonly name: string;
  readonly tenant: string;
  readonly orderNamespace: string;
}

/**
 * The tenant Namespace's metadata (gitops profile). Labelled for the DataVolume webhook's namespace
 * selector; the tenant is named in an annotation (a tenant name need not be a valid label value).
 * Argo CD never prunes or deletes it: removing the last order from Git must not delete a
 * namespace that may hold disks and objects that were not rendered here; once it is no longer in
 * Git it does not hold the Application OutOfSync.
 */
export function tenantNamespaceMetadata(input: TenantNamespaceInput) {
  return {
    name: input.name,
    labels: { [Labels.tenantNamespace]: "true", [Labels.managedBy]: PRODUCT, [Labels.partOf]: PART_OF },
    annotations: {
      [Annotations.tenant]: input.tenant,
      [Annotations.orderNamespace]: input.orderNamespace,
      [ARGO_SYNC_WAVE]: SyncWave.namespace,
      ...KEEP_WHEN_REMOVED_FROM_GIT,
    },
  };
}

/**
 * The tenant Namespace as a plain object, without cdk8s (the controller applies it on its hot
 * path; a cdk8s App and Chart per namespace cost ~1 ms). Equal to `renderTenantNamespace`'s.
 */
export function tenantNamespaceObject(input: TenantNamespaceInput) {
  return { apiVersion: "v1", kind: "Namespace", metadata: tenantNamespaceMetadata(input) };
}
