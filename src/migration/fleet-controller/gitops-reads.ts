import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { LiveObject } from "../live-object.ts";
import type { ApplicationRef } from "../fleet-gitops/argocd-tracking.ts";
import { trackedBy } from "../fleet-gitops/argocd-tracking.ts";
import type { ApplicationLookup, ApplicationView } from "../fleet-gitops/argo-observation.ts";
import { COMMITTER_LEASE_NAME, committerHealth, type CommitterHealth, type LeaseView } from "../fleet-gitops/committer-lease.ts";

type Requester = Pick<KubeRestClient, "request">;

/** Where the gitops target mode looks (`osac-vm migrate controller` flags). */
export interface GitopsSettings {
  /** Namespace of Argo CD's Applications, for tracking ids that name none (default argocd). */
  readonly argocdNamespace: string;
  /** Namespace of the committer's Lease `osac-vm-committer`. */
  readonly committerLeaseNamespace: string;
}

export const DEFAULT_ARGOCD_NAMESPACE = "argocd";

/** The committer's health from its Lease (one GET). */
export async function readCommitterHealth(rest: Requester, namespace: string, now: Date): Promise<CommitterHealth> {
  const answer = await rest.request<LeaseView>("GET", `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases/${COMMITTER_LEASE_NAME}`, { allow404: true });
  return committerHealth(answer.status === 404 ? undefined : answer.body, { namespace, name: COMMITTER_LEASE_NAME }, now);
}

/** The children Argo CD applies itself: all but a Secret a SealedSecret owns (the sealed-secrets controller writes that one). */
export function appliedByArgoCd(children: readonly LiveObject[]): LiveObject[] {
  return children.filter((child) => !(child.kind === "Secret" && ((child.metadata.ownerReferences as { kind?: string }[] | undefined) ?? []).some((owner) => owner.kind === "SealedSecret")));
}

/**
 * The Applications the children's tracking ids name, one GET each (a batch's orders share a few),
 * as a lookup. A missing Application is undefined in the lookup.
 */
export async function readApplications(rest: Requester, settings: GitopsSettings, children: readonly LiveObject[]): Promise<ApplicationLookup> {
  const keyOf = (ref: ApplicationRef) => `${ref.namespace ?? settings.argocdNamespace}/${ref.name}`;
  const refs = new Map<string, ApplicationRef>();
  for (const child of children) {
    const ref = trackedBy(child);
    if (ref) refs.set(keyOf(ref), ref);
  }
  const found = new Map<string, ApplicationView>();
  await Promise.all(
    [...refs.entries()].map(async ([key, ref]) => {
      const answer = await rest.request<ApplicationView>("GET", `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(ref.namespace ?? settings.argocdNamespace)}/applications/${encodeURIComponent(ref.name)}`, { allow404: true });
      if (answer.status !== 404) found.set(key, answer.body);
    }),
  );
  return (ref) => found.get(keyOf(ref));
}
