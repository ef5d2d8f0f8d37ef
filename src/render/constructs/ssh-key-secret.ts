import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-28";
import type { ChildMetadata } from "../gitops-metadata.ts";

export interface SshKeySecretProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: ChildMetadata;
  /** The public key text exactly as ordered (one or several keys). */
  readonly publicKeyText: string;
}

/** Secret `<order>-ssh-public-key` with `data.ssh-public-key`, propagated by KubeVirt access credentials. */
export class SshKeySecret extends Construct {
  constructor(scope: Construct, id: string, props: SshKeySecretProps) {
    super(scope, id);
    new k8s.KubeSecret(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, ...props.metadata },
      type: "Opaque",
      data: { "ssh-public-key": Buffer.from(props.publicKeyText, "utf8").toString("base64") },
    });
  }
}
