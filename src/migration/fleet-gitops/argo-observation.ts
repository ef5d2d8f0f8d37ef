import { parsePushedMessage } from "../../gitops/committer/committed-condition.ts";
import type { LiveObject } from "../live-object.ts";
import type { OrderBackup } from "../fleet/backup.ts";
import { trackedBy, type ApplicationRef } from "./argocd-tracking.ts";

/** What the migration reads of an Argo CD Application. */
export interface ApplicationView {
  readonly metadata: { readonly namespace?: string; readonly name?: string };
  readonly status?: {
    readonly sync?: { readonly status?: string; readonly revision?: string };
    readonly resources?: readonly { readonly group?: string; readonly kind: string; readonly namespace?: string; readonly name: string; readonly status?: string; readonly requiresPruning?: boolean }[];
    readonly conditions?: readonly { readonly type: string; readonly message?: string }[];
    readonly operationState?: { readonly phase?: string; readonly message?: string };
  };
}

export type ApplicationLookup = (ref: ApplicationRef) => ApplicationView | undefined;

const describe = (object: LiveObject) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;

function resourceIn(application: ApplicationView, object: LiveObject) {
  return application.status?.resources?.find((resource) => resource.kind === object.kind && (resource.namespace ?? "") === (object.metadata.namespace ?? "") && resource.name === object.metadata.name);
}

function applicationProblem(application: ApplicationView): string {
  const status = application.status;
  const failing = status?.operationState?.phase && status.operationState.phase !== "Succeeded" && status.operationState.phase !== "Running" ? `; last sync ${status.operationState.phase}: ${status.operationState.message ?? ""}` : "";
  const conditions = (status?.conditions ?? []).map((condition) => `; ${condition.type}: ${condition.message ?? ""}`).join("");
  return `${failing}${conditions}`;
}

/** The commit the committer pushed with the order's files (its Committed condition), or why none yet. */
export function committedCommit(order: LiveObject): { readonly commit: string } | { readonly pending: string } {
  const conditions = (order.status?.conditions ?? []) as { type?: string; status?: string; reason?: string; message?: string }[];
  const committed = conditions.find((condition) => condition.type === "Committed");
  if (!committed) return { pending: "the committer has not committed its files yet (no Committed condition)" };
  const pushed = committed.status === "True" && committed.reason === "Pushed" ? parsePushedMessage(committed.message ?? "") : undefined;
  if (!pushed) return { pending: `Committed is ${committed.status} (${committed.reason}): ${committed.message ?? ""}` };
  return { commit: pushed.commit };
}

/**
 * Why Argo CD has not adopted one order yet, empty once it has (ADR 0034): the committer pushed
 * its files (Committed=True, Pushed), and every child Argo CD applies carries Argo CD's tracking
 * id (Argo CD applied a revision holding the file: a role-era object has none before) and is
 * Synced in the Application it names. `children` are the live children Argo CD applies (not a
 * Secret a SealedSecret owns). Pure.
 */
export function adoptionPending(order: LiveObject, children: readonly LiveObject[], applications: ApplicationLookup): string[] {
  const name = order.metadata.name;
  const committed = committedCommit(order);
  if ("pending" in committed) return [`${name}: ${committed.pending}`];
  const pending: string[] = [];
  for (const child of children) {
    const ref = trackedBy(child);
    if (!ref) {
      pending.push(`${name}: ${describe(child)} is not applied by Argo CD yet (no tracking id; commit ${committed.commit.slice(0, 12)})`);
      continue;
    }
    const application = applications(ref);
    if (!application) {
      pending.push(`${name}: ${describe(child)} is tracked by Application ${ref.name}, which was not found`);
      continue;
    }
    const resource = resourceIn(application, child);
    if (resource?.status !== "Synced") pending.push(`${name}: ${describe(child)} is ${resource?.status ?? "not listed"} in Application ${ref.name}${applicationProblem(application)}`);
  }
  return pending;
}

/**
 * Gitops Verify beyond the controller-mode checks (ADR 0034): every backed-up child is still the
 * same object (same metadata.uid: Argo CD adopted it, never re-created it) and carries Argo CD's
 * tracking id when Argo CD applies it itself (`appliedByArgoCd`: not a Secret a SealedSecret owns). Pure.
 */
export function gitopsVerifyProblems(saved: OrderBackup, children: readonly LiveObject[], appliedByArgoCd: (child: LiveObject) => boolean): string[] {
  const problems: string[] = [];
  for (const object of saved.objects) {
    const live = children.find((child) => child.kind === object.kind && child.metadata.name === object.metadata.name && child.metadata.namespace === object.metadata.namespace);
    if (!live) problems.push(`${saved.order}: ${describe(object)} is gone`);
    else if (object.metadata.uid && live.metadata.uid !== object.metadata.uid) problems.push(`${saved.order}: ${describe(object)} was re-created (uid ${object.metadata.uid} → ${live.metadata.uid})`);
    else if (appliedByArgoCd(live) && !trackedBy(live)) problems.push(`${saved.order}: ${describe(object)} carries no Argo CD tracking id`);
  }
  return problems;
}

/**
 * Why a rolled-back order's objects may not be restored yet, empty once they may (ADR 0034): every
 * child Argo CD still tracks must be out of the Application's desired state, listed with
 * `requiresPruning` (which the child's Prune=false keeps from happening) or not listed. That is
 * only so once the committer pushed the removal of the order's files and Argo CD compared it;
 * restoring earlier would let Argo CD apply the file again, and so would a sync operation still
 * running (its revision may predate the removal). Pure.
 */
export function removalPending(name: string, children: readonly LiveObject[], applications: ApplicationLookup): string[] {
  const pending: string[] = [];
  for (const child of children) {
    const ref = trackedBy(child);
    if (!ref) continue;
    const application = applications(ref);
    const resource = application ? resourceIn(application, child) : undefined;
    // A sync still running applies its own revision, which may hold the order's files: it would
    // apply them again over the restored objects (and a later sync prune them).
    const syncing = application?.status?.operationState?.phase === "Running";
    if (resource && syncing) pending.push(`${name}: Application ${ref.name} is still running a sync (${application?.status?.operationState?.message ?? ""}); waiting for it to end before restoring ${describe(child)}`);
    else if (resource && resource.requiresPruning !== true) pending.push(`${name}: Argo CD has not compared a revision without ${describe(child)} yet (Application ${ref.name}; the committer removes the order's files)`);
  }
  return pending;
}
