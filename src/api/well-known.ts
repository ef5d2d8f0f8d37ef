/**
 * Names that the cloudkit/OSAC stack and this project put on objects: one place, so no string is
 * spelled twice. Upstream names first (PARITY.md), then the ones this project adds.
 */
export const GROUP = "cloudkit.openshift.io";
export const ORDER_KIND = "VirtualMachine";
export const ORDER_PLURAL = "virtualmachines";

export const Labels = {
  /** On every child object; the value is the order's name (the role's `vm_order_label`). */
  order: "cloudkit.openshift.io/virtualmachine",
  /** On the order: the fulfillment service's id for it. */
  orderUuid: "cloudkit.openshift.io/virtualmachine-uuid",
  /** On tenant Namespaces rendered by this project: selects them for the DataVolume webhook. */
  tenantNamespace: "cloudkit.openshift.io/tenant-namespace",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
} as const;

export const Annotations = {
  tenant: "cloudkit.openshift.io/tenant",
  managementState: "cloudkit.openshift.io/management-state",
  reconciledConfigVersion: "cloudkit.openshift.io/reconciled-config-version",
  floatingIpAddress: "cloudkit.openshift.io/floating-ip-address",
  /** New in this project: which path owns the order's children. */
  managedBy: "cloudkit.openshift.io/managed-by",
  /** New in this project: the order's desiredConfigVersion, stamped on every rendered child. */
  configVersion: "cloudkit.openshift.io/config-version",
  /** New in this project: on the tenant Namespace, the namespace of the orders it serves. */
  orderNamespace: "cloudkit.openshift.io/order-namespace",
  /** New in this project: on an order, the Hub it was placed on at admission (immutable). */
  hub: "cloudkit.openshift.io/hub",
  /** New in this project: on an order, a label selector (Kubernetes syntax) that placement must satisfy. */
  hubSelector: "cloudkit.openshift.io/hub-selector",
  /** New in this project: on an order, the VM's firmware UUID, pinned (ADR 3; written at adoption, ADR 32). */
  firmwareUuid: "cloudkit.openshift.io/firmware-uuid",
} as const;

export const Finalizers = {
  operator: "cloudkit.openshift.io/virtualmachine",
  aap: "cloudkit.openshift.io/virtualmachine-aap",
} as const;

export const MANAGED_BY_VALUES = ["aap", "controller", "gitops"] as const;
export type ManagedBy = (typeof MANAGED_BY_VALUES)[number];

/** `app.kubernetes.io/managed-by` / `part-of` values on objects this project renders. */
export const PRODUCT = "osac-vm-gitops";
