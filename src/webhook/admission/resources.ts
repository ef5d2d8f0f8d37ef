import { API_VERSION } from "../../api/v1alpha1/types.ts";
import { GROUP, ORDER_KIND, ORDER_PLURAL } from "../../api/well-known.ts";
import type { ExpectedResource } from "./decision.ts";

/** The resources the decisions accept; anything else is allowed unchecked, with a warning. */
export const ORDER_RESOURCE: ExpectedResource = {
  group: GROUP,
  version: API_VERSION.slice(GROUP.length + 1),
  kind: ORDER_KIND,
  resource: ORDER_PLURAL,
};

export const KUBEVIRT_VM_RESOURCE: ExpectedResource = {
  group: "kubevirt.io",
  version: "v1",
  kind: "VirtualMachine",
  resource: "virtualmachines",
};

export const DATA_VOLUME_RESOURCE: ExpectedResource = {
  group: "cdi.kubevirt.io",
  version: "v1beta1",
  kind: "DataVolume",
  resource: "datavolumes",
};
