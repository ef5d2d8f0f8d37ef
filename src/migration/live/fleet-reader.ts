import { Labels } from "../../api/well-known.ts";
import { KubeApiError, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import type { LiveObject } from "../live-object.ts";
import { SelectionError } from "./errors.ts";

type Requester = Pick<KubeRestClient, "request">;

/** Which orders: one namespace (or all), a label selector, names. */
export interface FleetSelection {
  /** Undefined: every namespace. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly names: readonly string[];
}

/** The collections children are read from: one paged LIST each. */
export const CHILD_COLLECTIONS = [
  { apiVersion: "v1", kind: "Secret", group: "/api/v1", plural: "secrets" },
  { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume", group: "/apis/cdi.kubevirt.io/v1beta1", plural: "datavolumes" },
  { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", group: "/apis/kubevirt.io/v1", plural: "virtualmachines" },
  { apiVersion: "v1", kind: "Service", group: "/api/v1", plural: "services" },
  { apiVersion: "kubevirt.io/v1", kind: "VirtualMachineInstance", group: "/apis/kubevirt.io/v1", plural: "virtualmachineinstances" },
] as const;

const ORDERS = { apiVersion: "cloudkit.openshift.io/v1alpha1", kind: "VirtualMachine", group: "/apis/cloudkit.openshift.io/v1alpha1", plural: "virtualmachines" };
/** A label selector `in (...)` for at most this many names; beyond, the existence selector. */
const MAX_NAMES_IN_SELECTOR = 100;

/**
 * The selected orders: one paged LIST (in the namespace, or across all), filtered by name. A
 * namespace given is checked first, so a typo is named rather than read as "no orders".
 */
export async function readOrders(rest: Requester, selection: FleetSelection): Promise<LiveObject[]> {
  if (selection.namespace !== undefined) await checkNamespace(rest, selection.namespace);
  const path = collectionPath(ORDERS.group, ORDERS.plural, selection.namespace);
  let items: LiveObject[];
  try {
    items = (await listAllPages(rest, path, selection.labelSelector ? { labelSelector: selection.labelSelector } : {})).items as LiveObject[];
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 400 && selection.labelSelector !== undefined) {
      throw new SelectionError("BadSelector", `--selector '${selection.labelSelector}' is not a valid label selector: ${error.message}`, { cause: error });
    }
    if (error instanceof KubeApiError && error.status === 404) {
      throw new SelectionError("NoClusterAccess", "the cluster serves no cloudkit.openshift.io/v1alpha1 VirtualMachine API: install the order CRD (crds/)", { cause: error });
    }
    throw accessError(error);
  }
  const orders = items.map((item) => ({ ...item, apiVersion: ORDERS.apiVersion, kind: ORDERS.kind }));
  if (selection.names.length === 0) return orders;
  const wanted = new Set(selection.names);
  const found = orders.filter((order) => wanted.has(order.metadata.name ?? ""));
  const missing = selection.names.filter((name) => !found.some((order) => order.metadata.name === name));
  if (missing.length > 0) {
    const where = selection.namespace === undefined ? "in any namespace" : `in namespace ${selection.namespace}`;
    throw new SelectionError("NotFound", `no VirtualMachine order named ${missing.map((name) => `'${name}'`).join(", ")} ${where}${selection.labelSelector ? ` matching '${selection.labelSelector}'` : ""}`);
  }
  return found;
}

export interface ChildObjects {
  /** Secrets, DataVolumes, VirtualMachines and Services labelled with an order. */
  readonly children: LiveObject[];
  readonly instances: LiveObject[];
  /** Kinds whose API the cluster does not serve (their objects count as missing). */
  readonly unservedKinds: string[];
}

/**
 * The children of the given orders: one paged LIST per kind, by the order label, in the tenant
 * namespace when all orders share one, across all namespaces otherwise. Never a GET per object.
 */
export async function readChildren(rest: Requester, tenantNamespaces: ReadonlySet<string>, orderNames: readonly string[] | undefined): Promise<ChildObjects> {
  if (tenantNamespaces.size === 0) return { children: [], instances: [], unservedKinds: [] };
  const namespace = tenantNamespaces.size === 1 ? [...tenantNamespaces][0] : undefined;
  const labelSelector =
    orderNames !== undefined && orderNames.length > 0 && orderNames.length <= MAX_NAMES_IN_SELECTOR ? `${Labels.order} in (${[...orderNames].sort().join(",")})` : Labels.order;
  const unservedKinds: string[] = [];
  const lists = await Promise.all(
    CHILD_COLLECTIONS.map(async (collection) => {
      try {
        const list = await listAllPages(rest, collectionPath(collection.group, collection.plural, namespace), { labelSelector });
        return (list.items as LiveObject[])
          .filter((item) => tenantNamespaces.has(item.metadata.namespace ?? ""))
          .map((item) => ({ ...item, apiVersion: collection.apiVersion, kind: collection.kind }));
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 404) {
          unservedKinds.push(collection.kind);
          return [];
        }
        throw accessError(error);
      }
    }),
  );
  const instances = lists.pop() ?? [];
  return { children: lists.flat(), instances, unservedKinds };
}

/** KubeVirt CRs (one LIST); undefined when the cluster serves no KubeVirt API. */
export async function readKubeVirts(rest: Requester): Promise<LiveObject[] | undefined> {
  try {
    return (await listAllPages(rest, "/apis/kubevirt.io/v1/kubevirts")).items as LiveObject[];
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw accessError(error);
  }
}

export async function readStorageClasses(rest: Requester): Promise<LiveObject[]> {
  try {
    return (await listAllPages(rest, "/apis/storage.k8s.io/v1/storageclasses")).items as LiveObject[];
  } catch (error) {
    throw accessError(error);
  }
}

async function checkNamespace(rest: Requester, namespace: string): Promise<void> {
  try {
    await rest.request("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}`);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) throw new SelectionError("UnknownNamespace", `namespace '${namespace}' does not exist on the cluster`, { cause: error });
    throw accessError(error);
  }
}

function collectionPath(group: string, plural: string, namespace: string | undefined): string {
  return namespace === undefined ? `${group}/${plural}` : `${group}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
}

/** Refused credentials or RBAC, an unreachable server: no cluster access (exit 2). Other errors pass through. */
export function accessError(error: unknown): unknown {
  if (error instanceof KubeApiError && (error.status === 401 || error.status === 403)) {
    return new SelectionError("NoClusterAccess", `the API server refused the request (HTTP ${error.status} ${error.reason}): ${error.message}`, { cause: error });
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)$/.test(code)) {
    return new SelectionError("NoClusterAccess", `cannot reach the API server: ${(error as Error).message}`, { cause: error });
  }
  if (error instanceof Error && /timed out after/.test(error.message)) return new SelectionError("NoClusterAccess", `the API server did not answer: ${error.message}`, { cause: error });
  return error;
}
