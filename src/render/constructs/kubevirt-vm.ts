import { Construct } from "constructs";
import {
  VirtualMachine,
  VirtualMachineSpecTemplateSpecDomainMemoryGuest,
  type VirtualMachineSpec,
  type VirtualMachineSpecTemplateSpecAccessCredentials,
} from "../imports/kubevirt.io.ts";
import type { ChildMetadata } from "../gitops-metadata.ts";

export interface KubeVirtVmProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: ChildMetadata;
  /** Labels for the VMI and its pod; the LoadBalancer Service selects on them. */
  readonly templateLabels: Record<string, string>;
  readonly cpuCores: number;
  readonly memory: string;
  readonly rootDiskName: string;
  readonly cloudInitSecretName: string;
  /** @default - no access credentials */
  readonly sshKeySecretName?: string;
  /**
   * How the VM is kept running: the deprecated `running: true` (what the role writes), or
   * `runStrategy: Always`.
   */
  readonly power: "running" | "runStrategy";
  /** @default - none: KubeVirt generates a random one on create */
  readonly firmwareUuid?: string;
}

const ROOT_DISK = "root-disk";
const CLOUD_INIT_DISK = "cloud-init-disk";
const NETWORK = "default";

/** KubeVirt VirtualMachine `<order>` with the role's domain: virtio disks, masquerade pod network, hyperv features. */
export class KubeVirtVm extends Construct {
  constructor(scope: Construct, id: string, props: KubeVirtVmProps) {
    super(scope, id);
    const accessCredentials: VirtualMachineSpecTemplateSpecAccessCredentials[] | undefined = props.sshKeySecretName
      ? [
          {
            sshPublicKey: {
              source: { secret: { secretName: props.sshKeySecretName } },
              propagationMethod: { noCloud: {} },
            },
          },
        ]
      : undefined;
    const spec: VirtualMachineSpec = {
      ...(props.power === "running" ? { running: true } : { runStrategy: "Always" }),
      template: {
        metadata: { labels: props.templateLabels },
        spec: {
          domain: {
            cpu: { cores: props.cpuCores },
            memory: { guest: VirtualMachineSpecTemplateSpecDomainMemoryGuest.fromString(props.memory) },
            ...(props.firmwareUuid ? { firmware: { uuid: props.firmwareUuid } } : {}),
            devices: {
              disks: [
                { name: ROOT_DISK, disk: { bus: "virtio" } },
                { name: CLOUD_INIT_DISK, disk: { bus: "virtio" }, serial: "cloud-init" },
              ],
              interfaces: [{ name: NETWORK, masquerade: {} }],
              rng: {},
            },
            features: {
              smm: { enabled: true },
              acpi: {},
              apic: {},
              hyperv: { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } },
            },
          },
          networks: [{ name: NETWORK, pod: {} }],
          volumes: [
            { name: ROOT_DISK, dataVolume: { name: props.rootDiskName } },
            { name: CLOUD_INIT_DISK, cloudInitNoCloud: { secretRef: { name: props.cloudInitSecretName } } },
          ],
          ...(accessCredentials ? { accessCredentials } : {}),
        },
      },
    };
    new VirtualMachine(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace, ...props.metadata },
      spec,
    });
  }
}
