import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-28";
import type { ExposedPort } from "../../domain/templates/index.ts";
import type { ChildMetadata } from "../gitops-metadata.ts";

export interface LoadBalancerProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: ChildMetadata;
  readonly selector: Record<string, string>;
  /** One Service port each, in order; at least one (the domain rules guarantee it). */
  readonly ports: readonly ExposedPort[];
}

/** Service `<order>-load-balancer` of type LoadBalancer, one port per exposed port, named `<proto>-<port>`. */
export class LoadBalancer extends Construct {
  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.node.addValidation({
      validate: () => (props.ports.length === 0 ? ["a LoadBalancer Service needs at least one port"] : []),
    });
    new k8s.KubeService(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, ...props.metadata },
      spec: {
        type: "LoadBalancer",
        selector: props.selector,
        ports: props.ports.map(({ port, protocol }) => ({
          name: `${protocol}-${port}`,
          port,
          targetPort: k8s.IntOrString.fromNumber(port),
          protocol: protocol.toUpperCase(),
        })),
      },
    });
  }
}
