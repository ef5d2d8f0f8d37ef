import { formatPath } from "../compare/field-path.ts";
import type { OrderDiff } from "../diff/order-diff.ts";
import type { RefusedOrder } from "./types.ts";

export interface PreflightOutcome {
  /** Orders that may be adopted, in the diff's order. */
  readonly accepted: readonly string[];
  readonly refused: readonly RefusedOrder[];
  /** Accepted orders whose children differ in fields ADR 0032 accepts (they converge after adoption). */
  readonly acceptedDifferences: readonly { readonly name: string; readonly fields: readonly string[] }[];
}

/**
 * Which orders Preflight lets through (ADR 0032). Refused: an invalid order (nothing renders), a
 * running VM whose adoption would restart it, a VM with a restart already pending, a rendered
 * child that is not live (nothing to back up or adopt), a live child labelled with the order that
 * is not rendered (the controller would prune it). Accepted: differences of any other cause
 * outside a restart (hand edits, parameter changes, profile differences, unknown origin): adoption
 * keeps the live values, so nothing changes when the order is adopted. Pure.
 */
export function preflightOutcome(diffs: readonly OrderDiff[]): PreflightOutcome {
  const accepted: string[] = [];
  const refused: RefusedOrder[] = [];
  const acceptedDifferences: { name: string; fields: string[] }[] = [];
  for (const diff of diffs) {
    const refusal = refusalOf(diff);
    if (refusal) {
      refused.push({ name: diff.name, ...refusal });
      continue;
    }
    accepted.push(diff.name);
    const fields = diff.objects.flatMap((object) => object.differences.map((difference) => `${object.object.kind} ${formatPath(difference.path)} (${difference.cause})`));
    if (fields.length > 0) acceptedDifferences.push({ name: diff.name, fields });
  }
  return { accepted, refused, acceptedDifferences };
}

function refusalOf(diff: OrderDiff): { reason: string; message: string } | undefined {
  if (diff.invalid) return { reason: "InvalidOrder", message: `the order is invalid: ${diff.invalid.join("; ")}` };
  const restart = diff.restart;
  if (restart?.restartRequired) {
    const fields = restart.changes.filter((change) => change.restarts).map((change) => `${change.path} (${change.rule})`);
    return { reason: "RestartPredicted", message: `adoption would restart VM ${restart.vm.name} (${restart.evidence}, rollout strategy ${restart.strategy}): ${fields.join(", ")}` };
  }
  if (restart?.pendingRestart) return { reason: "RestartPending", message: `VM ${restart.vm.name} already has RestartRequired=True` };
  const missing = diff.objects.filter((object) => object.state === "missing").map((object) => `${object.object.kind} ${object.object.name}`);
  if (missing.length > 0) return { reason: "MissingObject", message: `rendered but not live: ${missing.join(", ")}` };
  const extra = diff.objects.filter((object) => object.state === "extra").map((object) => `${object.object.kind} ${object.object.name}`);
  if (extra.length > 0) return { reason: "ExtraObject", message: `live and labelled with the order but not rendered (the controller would delete them): ${extra.join(", ")}` };
  return undefined;
}
