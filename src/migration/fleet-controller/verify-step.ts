import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { LiveObject } from "../live-object.ts";
import { verifyOrder } from "../fleet/verify.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { adoptionPending, gitopsVerifyProblems } from "../fleet-gitops/argo-observation.ts";
import { sealedSecretDataProblems } from "../fleet-gitops/sealed-secret-takeover.ts";
import { readOrderStates } from "./batch-reads.ts";
import { appliedByArgoCd, readApplications, type GitopsSettings } from "./gitops-reads.ts";
import { readBackup } from "./rollback-step.ts";

/** Verify's answer: the batch's problems, or (gitops) what Argo CD has not adopted yet. */
export type VerifyResult = { readonly problems: string[]; readonly orders: LiveObject[] } | { readonly pending: string[] };

/**
 * Verify: every order of the batch against its backup (VMI uid, launcher image, RestartRequired,
 * config version). `gitops` (ADR 0034): first every order must be committed and adopted by Argo
 * CD (else pending, asked again); then also every child keeps its uid and carries the tracking id,
 * and a Secret the sealed-secrets controller took over holds the backed-up data.
 * With the problems, the live orders read (the status database check compares their rows with them).
 */
export async function runVerify(rest: KubeRestClient, migration: FleetMigration, orders: readonly string[], secret: string, gitops: GitopsSettings): Promise<VerifyResult> {
  const backup = await readBackup(rest, migration.metadata.namespace, secret);
  const states = new Map((await readOrderStates(rest, migration, orders)).map((state) => [state.name, state]));
  const gitopsMode = migration.spec.targetMode === "gitops";
  if (gitopsMode) {
    const applied = [...states.values()].flatMap((state) => (state.order ? appliedByArgoCd(state.children) : []));
    const applications = await readApplications(rest, gitops, applied);
    const pending = [...states.values()].flatMap((state) => (state.order ? adoptionPending(state.order, appliedByArgoCd(state.children), applications) : []));
    if (pending.length > 0) return { pending };
  }
  const problems = orders.flatMap((name) => {
    const saved = backup.orders.find((entry) => entry.order === name) ?? { order: name, objects: [] };
    const state = states.get(name);
    const vm = state?.children.find((child) => child.kind === "VirtualMachine" && child.metadata.name === name);
    const found = verifyOrder(saved, { ...(state?.order ? { order: state.order } : {}), ...(vm ? { vm } : {}), ...(state?.instance ? { instance: state.instance } : {}) }, migration.spec.targetMode);
    if (!gitopsMode) return found;
    const applied = new Set(appliedByArgoCd(state?.children ?? []));
    return [...found, ...gitopsVerifyProblems(saved, state?.children ?? [], (child) => applied.has(child)), ...sealedSecretDataProblems(saved, state?.children ?? [])];
  });
  return { problems, orders: [...states.values()].flatMap((state) => (state.order ? [state.order] : [])) };
}
