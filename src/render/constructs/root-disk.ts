import { Construct } from "constructs";
import { DataVolume, DataVolumeSpecPvcResourcesRequests } from "../imports/cdi.kubevirt.io.ts";
import type { ChildMetadata } from "../gitops-metadata.ts";

export interface RootDiskProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: ChildMetadata;
  /** Image reference without the `docker://` scheme. */
  readonly image: string;
  /** Kubernetes quantity, e.g. `10Gi`. */
  readonly size: string;
  /**
   * @default - none rendered: the cluster's default class applies (the DataVolume webhook
   * sets it at apply time).
   */
  readonly storageClassName?: string;
}

/** CDI DataVolume `<order>-root-disk`, imported from a registry into a ReadWriteOnce claim. */
export class RootDisk extends Construct {
  constructor(scope: Construct, id: string, props: RootDiskProps) {
    super(scope, id);
    new DataVolume(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, ...props.metadata },
      spec: {
        source: { registry: { url: `docker://${props.image}` } },
        pvc: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: DataVolumeSpecPvcResourcesRequests.fromString(props.size) } },
          ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
        },
      },
    });
  }
}
