import { Construct } from "constructs";
import { Labels } from "../../api/well-known.ts";
import { firmwareUuid } from "../../domain/firmware-uuid.ts";
import { childNames } from "../../domain/naming.ts";
import type { Order } from "../../domain/order.ts";
import { CDI_DELETE_AFTER_COMPLETION, KEEP_WHEN_REMOVED_FROM_GIT, SyncWave, childMetadata } from "../gitops-metadata.ts";
import type { Profile } from "../profile.ts";
import { CloudInitSecret } from "./cloud-init-secret.ts";
import { KubeVirtVm } from "./kubevirt-vm.ts";
import { LoadBalancer } from "./load-balancer.ts";
import { RootDisk } from "./root-disk.ts";
import { SshKeySecret } from "./ssh-key-secret.ts";

export interface VmOrderProps {
  readonly order: Order;
  readonly profile: Profile;
  /** @default - the order's `storage_class`, else none rendered */
  readonly defaultStorageClass?: string;
}

/**
 * Every object the Ansible role creates for one order, in the role's order: cloud-init Secret,
 * SSH key Secret (when a key is given), root-disk DataVolume, VirtualMachine, LoadBalancer Service.
 */
export class VmOrder extends Construct {
  constructor(scope: Construct, id: string, props: VmOrderProps) {
    super(scope, id);
    const { order, profile } = props;
    const { parameters } = order;
    const names = childNames(order.name);
    const namespace = order.tenantNamespace;
    const gitops = profile === "gitops";
    const secretMetadata = childMetadata(order, profile, SyncWave.secrets);
    const workloadMetadata = childMetadata(order, profile, SyncWave.workload);

    new CloudInitSecret(this, "CloudInit", {
      name: names.cloudInitSecret,
      namespace,
      metadata: secretMetadata,
      userDataBase64: parameters.cloudInitConfig,
    });
    if (parameters.sshPublicKey) {
      new SshKeySecret(this, "SshKey", {
        name: names.sshKeySecret,
        namespace,
        metadata: secretMetadata,
        publicKeyText: parameters.sshPublicKey,
      });
    }
    const storageClassName = parameters.storageClass ?? props.defaultStorageClass;
    new RootDisk(this, "RootDisk", {
      name: names.rootDisk,
      namespace,
      metadata: gitops
        ? { ...workloadMetadata, annotations: { ...workloadMetadata.annotations, [CDI_DELETE_AFTER_COMPLETION]: "false", ...KEEP_WHEN_REMOVED_FROM_GIT } }
        : workloadMetadata,
      image: parameters.imageSource,
      size: parameters.diskSize,
      ...(storageClassName ? { storageClassName } : {}),
    });
    new KubeVirtVm(this, "VirtualMachine", {
      name: names.virtualMachine,
      namespace,
      metadata: workloadMetadata,
      templateLabels: { [Labels.order]: order.name },
      cpuCores: parameters.cpuCores,
      memory: parameters.memory,
      rootDiskName: names.rootDisk,
      cloudInitSecretName: names.cloudInitSecret,
      ...(parameters.sshPublicKey ? { sshKeySecretName: names.sshKeySecret } : {}),
      power: gitops ? "runStrategy" : "running",
      ...(gitops ? { firmwareUuid: firmwareUuid(order) } : {}),
    });
    new LoadBalancer(this, "LoadBalancer", {
      name: names.loadBalancer,
      namespace,
      metadata: workloadMetadata,
      selector: { [Labels.order]: order.name },
      ports: parameters.exposedPorts,
    });
  }
}
