import type { FieldError } from "./field-error.ts";
import { showValue } from "./field-error.ts";
import { TENANT_HASH_LENGTH } from "./tenant.ts";

/** The names the role gives an order's children (PARITY.md). */
export interface ChildNames {
  readonly cloudInitSecret: string;
  readonly sshKeySecret: string;
  readonly rootDisk: string;
  readonly virtualMachine: string;
  readonly loadBalancer: string;
}

export const CHILD_SUFFIXES = {
  cloudInitSecret: "-cloud-init",
  sshKeySecret: "-ssh-public-key",
  rootDisk: "-root-disk",
  loadBalancer: "-load-balancer",
} as const;

export function childNames(orderName: string): ChildNames {
  return {
    cloudInitSecret: orderName + CHILD_SUFFIXES.cloudInitSecret,
    sshKeySecret: orderName + CHILD_SUFFIXES.sshKeySecret,
    rootDisk: orderName + CHILD_SUFFIXES.rootDisk,
    virtualMachine: orderName,
    loadBalancer: orderName + CHILD_SUFFIXES.loadBalancer,
  };
}

const DNS_LABEL_MAX = 63;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The longest order name whose children all have valid names: the Service
 * `<name>-load-balancer` must be a DNS-1035 label (≤ 63), which is the tightest limit
 * (the order label's value, the VM and its pod names allow 63 as well).
 */
export const MAX_ORDER_NAME_LENGTH = DNS_LABEL_MAX - CHILD_SUFFIXES.loadBalancer.length;
/** The tenant namespace `<namespace>-<13 chars>` must be a DNS-1123 label. */
export const MAX_ORDER_NAMESPACE_LENGTH = DNS_LABEL_MAX - 1 - TENANT_HASH_LENGTH;

export function checkOrderName(name: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!DNS_1035_LABEL.test(name)) {
    errors.push({
      field: "metadata.name",
      value: showValue(name),
      message:
        "must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit), " +
        `because the order's Service '${name}${CHILD_SUFFIXES.loadBalancer}' takes its name from it`,
    });
  }
  if (name.length > MAX_ORDER_NAME_LENGTH) {
    errors.push({
      field: "metadata.name",
      value: showValue(name),
      message:
        `is ${name.length} characters; at most ${MAX_ORDER_NAME_LENGTH} are allowed so that the Service ` +
        `'<name>${CHILD_SUFFIXES.loadBalancer}' stays within the 63-character DNS-1035 limit`,
    });
  }
  return errors;
}

export function checkOrderNamespace(namespace: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!DNS_1123_LABEL.test(namespace)) {
    errors.push({
      field: "metadata.namespace",
      value: showValue(namespace),
      message: "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)",
    });
  }
  if (namespace.length > MAX_ORDER_NAMESPACE_LENGTH) {
    errors.push({
      field: "metadata.namespace",
      value: showValue(namespace),
      message:
        `is ${namespace.length} characters; at most ${MAX_ORDER_NAMESPACE_LENGTH} are allowed so that the tenant namespace ` +
        `'<namespace>-<${TENANT_HASH_LENGTH}-character tenant hash>' stays within 63 characters`,
    });
  }
  return errors;
}
