import { Annotations } from "../../api/well-known.ts";
import { tenantNamespace } from "../../domain/tenant.ts";
import { KubeApiError, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import { chooseDefaultStorageClass, summarizeStorageClass } from "../../webhook/storage-class-choice.ts";
import { roleStorageClass } from "../diff/role-storage-class.ts";
import type { LiveObject } from "../live-object.ts";
import { SelectionError } from "../live/errors.ts";
import { accessError, readChildren, readKubeVirts, readStorageClasses } from "../live/fleet-reader.ts";
import { chooseRolloutStrategy, type KubeVirtResource, type RolloutStrategy } from "../restart/rollout-strategy.ts";
import { explainOrder, type Explanation } from "./explanation.ts";
import type { PolicySetting } from "./managed-by.ts";
import { readDatabaseView, type DatabaseChoice } from "./read-database.ts";

type Requester = Pick<KubeRestClient, "request">;

export interface ExplainOptions {
  readonly namespace: string;
  readonly name: string;
  readonly database: DatabaseChoice;
  readonly policy: PolicySetting;
  /** OSAC_VM_DEFAULT_IMAGE_SOURCE and CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, as the webhook reads them. */
  readonly defaultImageSource?: string;
  readonly envStorageClass?: string;
  readonly storageClassFlag?: string;
  readonly rolloutStrategy?: RolloutStrategy;
}

/**
 * `explain` end to end: the order (one GET), its children (one LIST per kind in its tenant
 * namespace, by its label), the StorageClasses and the KubeVirt CR, and the status database;
 * then the pure explanation. Throws SelectionError when the order or its namespace does not exist.
 */
export async function runExplain(rest: Requester, options: ExplainOptions): Promise<Explanation> {
  const order = await readOrder(rest, options.namespace, options.name);
  const tenant = order.metadata.annotations?.[Annotations.tenant];
  const namespaces = new Set(tenant ? [tenantNamespace(options.namespace, tenant)] : []);
  const [children, kubevirts, classes, database] = await Promise.all([
    readChildren(rest, namespaces, [options.name]),
    options.rolloutStrategy ? Promise.resolve([]) : readKubeVirts(rest),
    readStorageClasses(rest),
    readDatabaseView(options.database, order.metadata.uid),
  ]);
  const clusterDefault = chooseDefaultStorageClass(classes.map((item) => summarizeStorageClass(item as never)))?.name;
  const instance = children.instances.find((item) => item.metadata.name === options.name);
  return explainOrder({
    order,
    live: children.children,
    ...(instance ? { instance } : {}),
    strategy: chooseRolloutStrategy(options.rolloutStrategy, kubevirts as KubeVirtResource[] | undefined),
    roleStorageClass: roleStorageClass(options.storageClassFlag, options.envStorageClass, classes),
    settings: {
      ...(options.defaultImageSource ? { defaultImageSource: options.defaultImageSource } : {}),
      ...(options.envStorageClass ? { envStorageClass: options.envStorageClass } : {}),
      ...(clusterDefault ? { clusterDefaultStorageClass: clusterDefault } : {}),
    },
    policy: options.policy,
    database,
  });
}

async function readOrder(rest: Requester, namespace: string, name: string): Promise<LiveObject> {
  const path = `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/virtualmachines/${encodeURIComponent(name)}`;
  try {
    const order = (await rest.request<LiveObject>("GET", path)).body;
    return { ...order, apiVersion: "cloudkit.openshift.io/v1alpha1", kind: "VirtualMachine" };
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 404)) throw accessError(error);
    const namespaceExists = await rest.request("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}`, { allow404: true }).then(
      (answer) => answer.status !== 404,
      (failure) => {
        throw accessError(failure);
      },
    );
    if (!namespaceExists) throw new SelectionError("UnknownNamespace", `namespace '${namespace}' does not exist on the cluster`);
    throw new SelectionError("NotFound", `no VirtualMachine order '${name}' in namespace ${namespace}`, { cause: error });
  }
}
