import { Annotations, type ManagedBy } from "../api/well-known.ts";
import { validateOrder } from "../domain/order.ts";
import { tenantNamespace } from "../domain/tenant.ts";
import type { KubeRestClient } from "../platform/kube/rest-client.ts";
import { profileFor, type ProfileChoice } from "./diff/expected-children.ts";
import { diffFleet } from "./diff/fleet-diff.ts";
import type { OrderDiff } from "./diff/order-diff.ts";
import { roleStorageClass, type StorageClassResolution } from "./diff/role-storage-class.ts";
import { summarize, type FleetSummary } from "./diff/summary.ts";
import { CountingClient, type RequestCount } from "./live/counting-client.ts";
import { readChildren, readKubeVirts, readOrders, readStorageClasses, type FleetSelection } from "./live/fleet-reader.ts";
import { chooseRolloutStrategy, type KubeVirtResource, type RolloutStrategy, type RolloutStrategyChoice } from "./restart/rollout-strategy.ts";

export interface LiveDiffOptions {
  readonly selection: FleetSelection;
  readonly profile: ProfileChoice;
  /** `--rollout-strategy`: skips reading the KubeVirt CR. */
  readonly rolloutStrategy?: RolloutStrategy;
  /** `--default-storage-class` and CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, for aap-parity. */
  readonly storageClassFlag?: string;
  readonly storageClassEnv?: string;
  /** Predict restarts against the rendering the order controller applies after adoption (Preflight). */
  readonly restartAfterAdoption?: boolean;
}

export interface LiveDiffResult {
  readonly orders: readonly OrderDiff[];
  readonly summary: FleetSummary;
  readonly strategy: RolloutStrategyChoice;
  readonly storageClass: StorageClassResolution;
  /** Kinds the cluster does not serve (their children count as missing). */
  readonly unservedKinds: readonly string[];
  readonly requests: readonly RequestCount[];
  readonly timingsMs: { readonly read: number; readonly compare: number };
}

/**
 * `diff --live` end to end: reads the selected orders (one paged LIST), their children (one paged
 * LIST per kind), the KubeVirt CR and, only when an aap-parity order needs the role's class, the
 * StorageClasses; then compares every order (pure). Throws SelectionError for usage problems.
 */
export async function runLiveDiff(rest: Pick<KubeRestClient, "request">, options: LiveDiffOptions): Promise<LiveDiffResult> {
  const counting = new CountingClient(rest);
  const started = performance.now();
  const orders = await readOrders(counting, options.selection);
  const tenantNamespaces = new Set<string>();
  let needsRoleClass = false;
  for (const order of orders) {
    const tenant = order.metadata.annotations?.[Annotations.tenant];
    if (tenant && order.metadata.namespace) tenantNamespaces.add(tenantNamespace(order.metadata.namespace, tenant));
    const profile = profileFor(order.metadata.annotations?.[Annotations.managedBy] as ManagedBy | undefined, options.profile);
    if (profile === "aap-parity" && !needsRoleClass) needsRoleClass = validateOrder(order).value?.parameters.storageClass === undefined;
  }
  const readClasses = needsRoleClass && !options.storageClassFlag && !options.storageClassEnv;
  const [children, kubevirts, classes] = await Promise.all([
    readChildren(counting, tenantNamespaces, options.selection.names.length > 0 ? options.selection.names : undefined),
    options.rolloutStrategy || orders.length === 0 ? Promise.resolve([]) : readKubeVirts(counting),
    readClasses ? readStorageClasses(counting) : Promise.resolve(undefined),
  ]);
  const read = performance.now();
  const strategy = chooseRolloutStrategy(options.rolloutStrategy, kubevirts as KubeVirtResource[] | undefined);
  const storageClass = needsRoleClass
    ? roleStorageClass(options.storageClassFlag, options.storageClassEnv, classes)
    : { source: "not needed: every order compared with aap-parity names its storage_class" };
  const diffs = diffFleet({
    orders,
    children: children.children,
    instances: children.instances,
    profile: options.profile,
    strategy: strategy.strategy,
    ...(storageClass.name ? { roleStorageClass: storageClass.name } : {}),
    ...(options.restartAfterAdoption ? { restartAfterAdoption: true } : {}),
  });
  return {
    orders: diffs,
    summary: summarize(diffs),
    strategy,
    storageClass,
    unservedKinds: children.unservedKinds,
    requests: counting.snapshot(),
    timingsMs: { read: Math.round(read - started), compare: Math.round(performance.now() - read) },
  };
}
