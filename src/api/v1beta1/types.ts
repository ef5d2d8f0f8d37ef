/**
 * `cloudkit.openshift.io/v1beta1` `VirtualMachine`: the same order as v1alpha1 with typed
 * parameters in place of the JSON string. Served, not stored: v1alpha1 is the storage version
 * (the hub) and this version converts only to and from it (docs/adr/0006-v1beta1-and-conversion.md).
 * The CRD schema for this version is the second entry of `crds/cloudkit.openshift.io_virtualmachines.yaml`.
 */
import type { ObjectMeta, VirtualMachineStatus } from "../v1alpha1/types.ts";

export const API_VERSION = "cloudkit.openshift.io/v1beta1";

/** Kubernetes spelling, as in a Service port; v1alpha1 writes the same protocols in lowercase. */
export type Protocol = "TCP" | "UDP";

export interface ExposedPort {
  port: number;
  protocol: Protocol;
}

/**
 * The parameters of the `ocp_virt_vm` family (`KNOWN_TEMPLATE_IDS`). Every field is optional and
 * nothing is defaulted here: an absent field takes the template's default when the order is
 * rendered, exactly as an absent key of the v1alpha1 JSON string does.
 */
export interface VirtualMachineParameters {
  /** v1alpha1 `cpu_cores`. */
  cpuCores?: number;
  /** v1alpha1 `memory`: a Kubernetes quantity, as written. */
  memory?: string;
  /** v1alpha1 `disk_size`: a Kubernetes quantity, as written. */
  diskSize?: string;
  /** v1alpha1 `image_source`: a container image reference, as written (a `docker://` prefix is kept). */
  image?: string;
  /** v1alpha1 `cloud_init_config`: the base64 of the cloud-init user data. */
  cloudInitUserData?: string;
  /** v1alpha1 `ssh_public_key`, one OpenSSH public key line per entry. */
  sshPublicKeys?: string[];
  /** v1alpha1 `exposed_ports`, in the order given. */
  exposedPorts?: ExposedPort[];
  /** v1alpha1 `storage_class`. */
  storageClass?: string;
}

export interface VirtualMachineSpec {
  /** Template to use, e.g. `cloudkit.templates.ocp_virt_vm`. */
  templateID: string;
  /** The typed parameters of an `ocp_virt_vm` family template. */
  virtualMachine?: VirtualMachineParameters;
  /**
   * Parameters without a typed field, as strings: all parameters of other templates, and any
   * extra ones given to an `ocp_virt_vm` family template.
   */
  templateParameters?: Record<string, string>;
}

export interface VirtualMachine {
  apiVersion: typeof API_VERSION;
  kind: "VirtualMachine";
  metadata: ObjectMeta;
  spec: VirtualMachineSpec;
  /** Identical to v1alpha1's status. */
  status?: VirtualMachineStatus;
}
