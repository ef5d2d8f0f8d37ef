import { Annotations, type ManagedBy } from "../../api/well-known.ts";
import type { Order } from "../../domain/order.ts";
import type { Profile } from "../../render/profile.ts";
import { compareValues } from "../compare/compare-values.ts";
import { valueAt, type FieldPath } from "../compare/field-path.ts";
import { normalizePair } from "../compare/normalize.ts";
import { objectKey, referenceOf, type LiveObject, type ObjectReference } from "../live-object.ts";
import type { RolloutStrategy } from "../restart/rollout-strategy.ts";
import { causeOf, provenanceOf, type DifferenceCause } from "./causes.ts";
import { redactSecrets } from "./redact.ts";
import { restartOf, type VmRestart } from "./vm-restart.ts";

/** One differing field; secret values are already redacted. */
export interface CausedDifference {
  readonly path: FieldPath;
  readonly live: unknown;
  readonly rendered: unknown;
  readonly cause: DifferenceCause;
}

export interface ObjectDiff {
  readonly object: ObjectReference;
  readonly state: "identical" | "differs" | "missing" | "extra";
  readonly differences: readonly CausedDifference[];
  /** Both sides as compared (ignored fields out, secrets redacted), for display. */
  readonly live?: unknown;
  readonly rendered?: unknown;
  /** The live child's `cloudkit.openshift.io/config-version` annotation, if any. */
  readonly liveConfigVersion?: string;
}

export interface OrderDiff {
  readonly namespace: string;
  readonly name: string;
  /** The annotation's value; `aap` when absent (the webhook's rule for orders it never saw). */
  readonly managedBy: ManagedBy;
  readonly profile: Profile;
  readonly desiredConfigVersion?: string;
  /** Validation errors: nothing was rendered. */
  readonly invalid?: readonly string[];
  readonly objects: readonly ObjectDiff[];
  readonly restart?: VmRestart;
  readonly identical: boolean;
}

export interface OrderDiffInput {
  readonly namespace: string;
  readonly name: string;
  readonly orderAnnotations?: Readonly<Record<string, string>>;
  readonly order?: Order;
  readonly errors: readonly string[];
  readonly profile: Profile;
  /** The order's children rendered with a profile (no tenant Namespace). */
  readonly render: (profile: Profile) => readonly LiveObject[];
  /** Live objects labelled as the order's children (Secrets, DataVolumes, VirtualMachines, Services). */
  readonly live: readonly LiveObject[];
  /** The order's VirtualMachineInstance, if one exists. */
  readonly instance?: LiveObject;
  readonly strategy: RolloutStrategy;
  /** What the restart prediction compares with, when not the profile's rendering (Preflight: what the controller applies after adoption). */
  readonly renderForRestart?: () => readonly LiveObject[];
}

/**
 * Compares one order's rendered children with its live ones, field by field, after taking out
 * the fields of IGNORED_FIELDS; names the cause of each difference and, for a running VM, whether
 * applying the rendered VM would restart it. The other profile is rendered only when a child
 * differs (to tell profile differences apart). Pure given a pure `render`.
 */
export function diffOrder(input: OrderDiffInput): OrderDiff {
  const managedBy = (input.orderAnnotations?.[Annotations.managedBy] as ManagedBy | undefined) ?? "aap";
  const head = { namespace: input.namespace, name: input.name, managedBy, profile: input.profile };
  if (!input.order) {
    const extras = input.live.map((object) => extraObject(object));
    return { ...head, invalid: input.errors, objects: extras, identical: false };
  }
  const order = input.order;
  const rendered = input.render(input.profile);
  const liveByKey = new Map(input.live.map((object) => [objectKey(referenceOf(object)), object]));
  let alternate: Map<string, LiveObject> | undefined;
  const otherProfile = () =>
    (alternate ??= new Map(input.render(input.profile === "gitops" ? "aap-parity" : "gitops").map((object) => [objectKey(referenceOf(object)), object])));

  const objects: ObjectDiff[] = rendered.map((wanted) => {
    const reference = referenceOf(wanted);
    const live = liveByKey.get(objectKey(reference));
    liveByKey.delete(objectKey(reference));
    if (!live) {
      return { object: reference, state: "missing", differences: [{ path: [], live: undefined, rendered: redactSecrets(reference.kind, wanted), cause: "missing object" }], rendered: redactSecrets(reference.kind, wanted) };
    }
    const pair = normalizePair(reference.kind, live, wanted);
    const found = compareValues(pair.live, pair.rendered);
    const liveConfigVersion = live.metadata.annotations?.[Annotations.configVersion];
    const base = { object: { ...reference, apiVersion: live.apiVersion ?? reference.apiVersion }, ...(liveConfigVersion ? { liveConfigVersion } : {}) };
    if (found.length === 0) return { ...base, state: "identical", differences: [] };
    const provenance = provenanceOf(live.metadata.annotations, input.orderAnnotations, order.desiredConfigVersion);
    const other = otherProfile().get(objectKey(reference));
    const otherPair = other ? normalizePair(reference.kind, live, other) : undefined;
    const differs = (path: FieldPath) => valueAt(pair.live, path) !== valueAt(pair.rendered, path);
    const liveNote = (path: FieldPath) => (differs(path) ? "(live value)" : undefined);
    const renderedNote = (path: FieldPath) => (differs(path) ? "(rendered value)" : undefined);
    const differences = found.map(({ path, live: liveValue, rendered: renderedValue }): CausedDifference => {
      // Under the other profile (its own ignore rules included) this field would not differ.
      const matchesOther = otherPair !== undefined && compareValues(valueAt(otherPair.live, path), valueAt(otherPair.rendered, path)).length === 0;
      return {
        path,
        live: redactSecrets(reference.kind, liveValue, path, liveNote),
        rendered: redactSecrets(reference.kind, renderedValue, path, renderedNote),
        cause: causeOf(path, provenance, matchesOther),
      };
    });
    return {
      ...base,
      state: "differs",
      differences,
      live: redactSecrets(reference.kind, pair.live, [], liveNote),
      rendered: redactSecrets(reference.kind, pair.rendered, [], renderedNote),
    };
  });
  objects.push(...[...liveByKey.values()].map((object) => extraObject(object)));

  const restart = restartOf(input.renderForRestart?.() ?? rendered, input.live, input.instance, input.strategy);
  return {
    ...head,
    desiredConfigVersion: order.desiredConfigVersion,
    objects,
    ...(restart ? { restart } : {}),
    identical: objects.every((object) => object.state === "identical"),
  };
}

function extraObject(object: LiveObject): ObjectDiff {
  const reference = referenceOf(object);
  const shown = redactSecrets(reference.kind, normalizePair(reference.kind, object, {}).live);
  return { object: reference, state: "extra", differences: [{ path: [], live: shown, rendered: undefined, cause: "extra object" }], live: shown };
}
