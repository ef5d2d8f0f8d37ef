import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-28";
import { tenantNamespaceMetadata, type TenantNamespaceInput } from "../tenant-namespace-object.ts";

export type TenantNamespaceProps = TenantNamespaceInput;

/** The tenant Namespace, gitops profile only (metadata: `tenantNamespaceMetadata`). */
export class TenantNamespace extends Construct {
  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    new k8s.KubeNamespace(this, "Resource", { metadata: tenantNamespaceMetadata(props) });
  }
}
