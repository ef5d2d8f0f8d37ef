import { Annotations, Labels, type ManagedBy } from "../../api/well-known.ts";
import { formatFieldError } from "../../domain/field-error.ts";
import { validateOrder, type Order } from "../../domain/order.ts";
import { tenantNamespace } from "../../domain/tenant.ts";
import type { Profile } from "../../render/profile.ts";
import { formatPath } from "../compare/field-path.ts";
import type { DifferenceCause } from "../diff/causes.ts";
import { expectedChildren, profileFor } from "../diff/expected-children.ts";
import { diffOrder } from "../diff/order-diff.ts";
import type { StorageClassResolution } from "../diff/role-storage-class.ts";
import type { VmRestart } from "../diff/vm-restart.ts";
import type { LiveObject } from "../live-object.ts";
import type { RolloutStrategyChoice } from "../restart/rollout-strategy.ts";
import type { DatabaseView } from "./database-view.ts";
import { lastCommitOf, type ConditionView, type LastCommit } from "./last-commit.ts";
import { explainManagedBy, type ManagedByExplanation, type PolicySetting } from "./managed-by.ts";
import { explainParameters, type DefaultingSettings, type ParameterExplanation } from "./parameter-sources.ts";

export interface ChildExplanation {
  readonly kind: string;
  readonly name: string;
  readonly state: "identical" | "differs" | "missing" | "extra";
  readonly liveConfigVersion?: string;
  readonly differences: readonly { readonly field: string; readonly cause: DifferenceCause }[];
}

export interface Explanation {
  readonly order: {
    readonly namespace: string;
    readonly name: string;
    readonly uid?: string;
    readonly tenant?: string;
    readonly tenantNamespace?: string;
    readonly templateId?: string;
    readonly orderUuid?: string;
    readonly desiredConfigVersion?: string;
    readonly reconciledConfigVersion?: string;
    readonly phase?: string;
  };
  readonly errors: readonly string[];
  readonly parameters: readonly ParameterExplanation[];
  readonly managedBy: ManagedByExplanation;
  readonly profile: Profile;
  readonly storageClass: { readonly name?: string; readonly source: string; readonly live?: string };
  readonly children: readonly ChildExplanation[];
  readonly restart?: VmRestart;
  readonly rolloutStrategy: RolloutStrategyChoice;
  readonly conditions: readonly ConditionView[];
  readonly database: DatabaseView;
  readonly lastCommit: { readonly applies: boolean; readonly commit?: LastCommit; readonly note: string };
}

export interface ExplainInput {
  readonly order: LiveObject;
  /** The order's live children and VMI (any kind; matched by the order label). */
  readonly live: readonly LiveObject[];
  readonly instance?: LiveObject;
  readonly strategy: RolloutStrategyChoice;
  readonly roleStorageClass: StorageClassResolution;
  readonly settings: DefaultingSettings;
  readonly policy: PolicySetting;
  readonly database: DatabaseView;
}

/** Everything `explain` shows about one order, from what was read. Pure (the renderer is). */
export function explainOrder(input: ExplainInput): Explanation {
  const raw = input.order;
  const metadata = raw.metadata;
  const validation = validateOrder(raw);
  const order = validation.value;
  const managedBy = explainManagedBy(metadata as never, input.policy);
  const profile = profileFor(metadata.annotations?.[Annotations.managedBy] as ManagedBy | undefined, "auto");
  const diff = diffOrder({
    namespace: metadata.namespace ?? "",
    name: metadata.name ?? "",
    ...(metadata.annotations ? { orderAnnotations: metadata.annotations } : {}),
    ...(order ? { order } : {}),
    errors: validation.errors.map(formatFieldError),
    profile,
    render: (chosen) => expectedChildren(order!, chosen, input.roleStorageClass.name),
    live: input.live,
    ...(input.instance ? { instance: input.instance } : {}),
    strategy: input.strategy.strategy,
  });
  const status = (raw.status ?? {}) as { phase?: string; reconciledConfigVersion?: string; conditions?: ConditionView[] };
  const tenant = metadata.annotations?.[Annotations.tenant];
  return {
    order: {
      namespace: metadata.namespace ?? "",
      name: metadata.name ?? "",
      ...(metadata.uid ? { uid: metadata.uid } : {}),
      ...(tenant ? { tenant, tenantNamespace: tenantNamespace(metadata.namespace ?? "", tenant) } : {}),
      ...(typeof raw.spec?.templateID === "string" ? { templateId: raw.spec.templateID } : {}),
      ...(metadata.labels?.[Labels.orderUuid] ? { orderUuid: metadata.labels[Labels.orderUuid] } : {}),
      ...(order ? { desiredConfigVersion: order.desiredConfigVersion } : {}),
      ...(reconciledVersion(status, metadata.annotations) ? { reconciledConfigVersion: reconciledVersion(status, metadata.annotations)! } : {}),
      ...(status.phase ? { phase: status.phase } : {}),
    },
    errors: validation.errors.map(formatFieldError),
    parameters: order ? explainParameters(order, input.settings) : [],
    managedBy,
    profile,
    storageClass: storageClassOf(order, profile, input.roleStorageClass, input.live),
    children: diff.objects.map((object) => ({
      kind: object.object.kind,
      name: object.object.name,
      state: object.state,
      ...(object.liveConfigVersion ? { liveConfigVersion: object.liveConfigVersion } : {}),
      differences: object.differences.map((difference) => ({ field: difference.path.length === 0 ? "(object)" : formatPath(difference.path), cause: difference.cause })),
    })),
    ...(diff.restart ? { restart: diff.restart } : {}),
    rolloutStrategy: input.strategy,
    conditions: status.conditions ?? [],
    database: input.database,
    lastCommit: lastCommitView(managedBy.value, status.conditions, order?.desiredConfigVersion),
  };
}

function reconciledVersion(status: { reconciledConfigVersion?: string }, annotations: Readonly<Record<string, string>> | undefined): string | undefined {
  return status.reconciledConfigVersion ?? annotations?.[Annotations.reconciledConfigVersion];
}

function storageClassOf(order: Order | undefined, profile: Profile, role: StorageClassResolution, live: readonly LiveObject[]): Explanation["storageClass"] {
  const dataVolume = live.find((object) => object.kind === "DataVolume" && object.metadata.name === `${order?.name}-root-disk`);
  const liveClass = dataVolume?.spec?.pvc?.storageClassName ?? dataVolume?.spec?.storage?.storageClassName;
  const withLive = liveClass ? { live: String(liveClass) } : {};
  if (order?.parameters.storageClass) return { name: order.parameters.storageClass, source: "the order's storage_class parameter", ...withLive };
  if (profile === "aap-parity") return { ...(role.name ? { name: role.name } : {}), source: `the role's resolution: ${role.source}`, ...withLive };
  return { source: "none rendered: the DataVolume webhook sets the cluster's default class at apply time", ...withLive };
}

function lastCommitView(mode: ManagedBy, conditions: readonly ConditionView[] | undefined, desired: string | undefined): Explanation["lastCommit"] {
  const commit = lastCommitOf(conditions, desired);
  if (mode !== "gitops") return { applies: false, ...(commit ? { commit } : {}), note: `not a gitops order (managed-by ${mode}): nothing is committed for it` };
  if (!commit) return { applies: true, note: "no Committed condition with reason Pushed yet: the committer has not pushed this order" };
  return { applies: true, commit, note: commit.current ? "holds the order's current configuration" : `holds config version ${commit.configVersion}, not the order's ${desired}` };
}
