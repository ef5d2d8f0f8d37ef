import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-28";
import { Annotations, Labels, PRODUCT } from "../../api/well-known.ts";
import { ARGO_SYNC_OPTIONS, ARGO_SYNC_WAVE, PART_OF, SyncWave } from "../gitops-metadata.ts";

export interface TenantNamespaceProps {
  readonly name: string;
  readonly tenant: string;
  readonly orderNamespace: string;
}

/**
 * The tenant Namespace, gitops profile only. Labelled for the DataVolume webhook's namespace
 * selector; the tenant is named in an annotation (a tenant name need not be a valid label value).
 * Argo CD never prunes or deletes it: removing the last order from Git must not delete a
 * namespace that may hold disks and objects that were not rendered here.
 */
export class TenantNamespace extends Construct {
  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    new k8s.KubeNamespace(this, "Resource", {
      metadata: {
        name: props.name,
        labels: { [Labels.tenantNamespace]: "true", [Labels.managedBy]: PRODUCT, [Labels.partOf]: PART_OF },
        annotations: {
          [Annotations.tenant]: props.tenant,
          [Annotations.orderNamespace]: props.orderNamespace,
          [ARGO_SYNC_WAVE]: SyncWave.namespace,
          [ARGO_SYNC_OPTIONS]: "Prune=false,Delete=false",
        },
      },
    });
  }
}
