import type { KubeConfig } from "@kubernetes/client-node";
import type { RawObject } from "../../controller/cache/raw-object.ts";
import { slimForCache } from "../../controller/cache/cache-transform.ts";
import type { Logger } from "../../platform/logger.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../../platform/kube/supervised-informer.ts";
import { applicationCovers, sourcesOf } from "./application-match.ts";
import type { CommitterMetrics } from "./metrics.ts";

export const REFRESH_ANNOTATION = "argocd.argoproj.io/refresh";
export type RefreshKind = "normal" | "hard";

/** Re-requests per push and Application when Argo CD consumed a refresh without reaching the pushed commit. */
export const MAX_REPEATED_REFRESHES = 3;

/**
 * Keeps an Application's name, namespace and spec (the sources are all the matching needs), its
 * refresh annotation and the revision it last compared (for repeatedRefreshNeeded).
 */
function slimApplication(object: RawObject): RawObject {
  const slim = slimForCache(object, "metadataOnly");
  if (!slim?.metadata) return slim;
  const refresh = object.metadata.annotations?.[REFRESH_ANNOTATION];
  const revision = (object.status as { sync?: { revision?: string } } | undefined)?.sync?.revision;
  return {
    ...slim,
    metadata: { name: slim.metadata.name, namespace: slim.metadata.namespace, ...(refresh ? { annotations: { [REFRESH_ANNOTATION]: refresh } } : {}) },
    spec: object.spec,
    ...(revision ? { status: { sync: { revision } } } : {}),
  } as RawObject;
}

/**
 * Whether a refresh asked for after pushing `commit` was consumed without Argo CD comparing that
 * commit: the annotation is gone and the compared revision is another. Argo CD drops a refresh
 * that arrives while a reconcile of the same Application is in flight (argoproj/argo-cd#28392);
 * asked again, it compares the new tip. Pure.
 */
export function repeatedRefreshNeeded(application: RawObject, commit: string): boolean {
  const pending = application.metadata.annotations?.[REFRESH_ANNOTATION] !== undefined;
  const revision = (application.status as { sync?: { revision?: string } } | undefined)?.sync?.revision;
  return !pending && revision !== undefined && revision !== commit;
}

/**
 * Tells Argo CD about a push at once instead of at its next poll (120 s + jitter): every
 * Application whose source is this repository and branch and whose path holds a changed file is
 * annotated `argocd.argoproj.io/refresh` (docs/adr/0019), which the application controller acts on
 * and removes. Applications are watched (all namespaces, or one); without Argo CD's CRD on this
 * cluster nothing is refreshed and Argo CD finds the commit by polling or a Git webhook.
 */
export class ArgoCdRefresher {
  private readonly informer: SupervisedInformer<RawObject>;
  /** `namespace/name` → the last pushed commit it was asked to refresh for, and the re-requests made. */
  private readonly awaited = new Map<string, { commit: string; repeats: number; seenPending: boolean }>();

  constructor(
    private readonly deps: {
      kubeConfig: KubeConfig;
      rest: KubeRestClient;
      logger: Logger;
      metrics: CommitterMetrics;
      kind: RefreshKind;
      namespace?: string;
      url: string;
      branch: string;
    },
  ) {
    const path = deps.namespace ? `/apis/argoproj.io/v1alpha1/namespaces/${deps.namespace}/applications` : "/apis/argoproj.io/v1alpha1/applications";
    this.informer = new SupervisedInformer<RawObject>({
      kubeConfig: deps.kubeConfig,
      path,
      list: () => listAllPages<RawObject>(deps.rest, path, { transform: slimApplication }),
      transform: slimApplication,
      logger: deps.logger.child({ watch: "applications" }),
      onChange: () => {},
      onEvent: (application, verb) => this.followUp(application, verb),
      onRestart: () => deps.metrics.watchRestarts.inc({ watch: "applications" }),
      maxBackoffMs: 60_000,
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /**
   * Annotates every Application that covers one of `paths` after pushing `commit`, and asks again
   * (at most MAX_REPEATED_REFRESHES times) when Argo CD consumes the refresh without comparing it.
   * Failures are logged, never thrown.
   */
  async refresh(paths: readonly string[], commit: string): Promise<string[]> {
    const target = { url: this.deps.url, branch: this.deps.branch, paths };
    const applications = this.informer.list().filter((application) => applicationCovers(sourcesOf(application), target));
    for (const { metadata } of applications) this.awaited.set(`${metadata.namespace}/${metadata.name}`, { commit, repeats: 0, seenPending: false });
    const names = await Promise.all(applications.map((application) => this.annotate(application)));
    return names.filter((name): name is string => name !== undefined);
  }

  private followUp(application: RawObject, verb: "add" | "update" | "delete"): void {
    const key = `${application.metadata.namespace}/${application.metadata.name}`;
    const awaited = this.awaited.get(key);
    if (!awaited) return;
    const revision = (application.status as { sync?: { revision?: string } } | undefined)?.sync?.revision;
    if (verb === "delete" || revision === awaited.commit || awaited.repeats >= MAX_REPEATED_REFRESHES) {
      if (verb === "delete" || revision === awaited.commit || application.metadata.annotations?.[REFRESH_ANNOTATION] === undefined) this.awaited.delete(key);
      return;
    }
    // Only once the request was seen pending and then consumed (an older event says nothing).
    if (application.metadata.annotations?.[REFRESH_ANNOTATION] !== undefined) awaited.seenPending = true;
    if (!awaited.seenPending || !repeatedRefreshNeeded(application, awaited.commit)) return;
    awaited.seenPending = false;
    awaited.repeats++;
    this.deps.logger.info({ application: key, commit: awaited.commit, comparedRevision: revision, repeat: awaited.repeats }, "Argo CD consumed the refresh without comparing the pushed commit; asking again");
    void this.annotate(application);
  }

  private async annotate(application: RawObject): Promise<string | undefined> {
    const body = { metadata: { annotations: { [REFRESH_ANNOTATION]: this.deps.kind } } };
    const { namespace = "", name = "" } = application.metadata;
    try {
      await this.deps.rest.request("PATCH", `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications/${encodeURIComponent(name)}`, {
        body,
        contentType: "application/merge-patch+json",
        discardBody: true,
      });
      this.deps.metrics.refreshes.inc({ result: "requested" });
      return `${namespace}/${name}`;
    } catch (error) {
      this.deps.metrics.refreshes.inc({ result: "failed" });
      this.deps.logger.warn({ application: `${namespace}/${name}`, err: (error as Error).message }, "Failed to ask an Argo CD Application to refresh");
      return undefined;
    }
  }
}
