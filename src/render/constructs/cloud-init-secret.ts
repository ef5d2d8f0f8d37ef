import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-28";
import type { ChildMetadata } from "../gitops-metadata.ts";

export interface CloudInitSecretProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: ChildMetadata;
  /** The user data, already base64 (the role passes `cloud_init_config` through verbatim). */
  readonly userDataBase64: string;
}

/** Secret `<order>-cloud-init` with `data.userData`, read by the VM's cloudInitNoCloud volume. */
export class CloudInitSecret extends Construct {
  constructor(scope: Construct, id: string, props: CloudInitSecretProps) {
    super(scope, id);
    new k8s.KubeSecret(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, ...props.metadata },
      type: "Opaque",
      data: { userData: props.userDataBase64 },
    });
  }
}
