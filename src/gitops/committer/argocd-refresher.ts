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

/** Keeps an Application's name, namespace and spec (the sources are all the matching needs). */
function slimApplication(object: RawObject): RawObject {
  const slim = slimForCache(object, "metadataOnly");
  return slim?.metadata ? ({ ...slim, metadata: { name: slim.metadata.name, namespace: slim.metadata.namespace }, spec: object.spec } as RawObject) : slim;
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

  /** Annotates every Application that covers one of `paths`; failures are logged, never thrown. */
  async refresh(paths: readonly string[]): Promise<string[]> {
    const target = { url: this.deps.url, branch: this.deps.branch, paths };
    const applications = this.informer.list().filter((application) => applicationCovers(sourcesOf(application), target));
    const body = { metadata: { annotations: { [REFRESH_ANNOTATION]: this.deps.kind } } };
    const names = await Promise.all(
      applications.map(async (application) => {
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
      }),
    );
    return names.filter((name): name is string => name !== undefined);
  }
}
