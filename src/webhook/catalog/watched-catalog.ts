import type { KubeConfig } from "@kubernetes/client-node";
import { catalogOfTemplates, type TemplateCatalog } from "../../domain/catalog-order/index.ts";
import { formatFieldError } from "../../domain/field-error.ts";
import { readTemplate, type OpenShiftTemplate } from "../../domain/openshift-template/index.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../../platform/kube/supervised-informer.ts";
import type { Logger } from "../../platform/logger.ts";
import type { CatalogSource } from "./catalog-source.ts";
import { emptyWhenNotServed } from "../watch/not-served.ts";
import { withoutBookkeeping, type WatchedObject } from "../watch/watched-object.ts";

/**
 * The catalog from a cluster (ADR 28): a supervised watch of `template.openshift.io/v1` Templates
 * in the template namespace, filtered by the discovery rule, rebuilt after a change when next read.
 * A Template that is not valid (readTemplate) is left out and logged once per version. Where the
 * cluster does not serve the Template API (plain Kubernetes), the catalog is empty, and the watch
 * keeps retrying with a slow backoff, so Templates appear when the API does.
 */
export function watchedCatalog(deps: { kubeConfig: KubeConfig; rest: KubeRestClient; templateNamespace: string; logger: Logger; onRestart: () => void }): CatalogSource {
  const path = `/apis/template.openshift.io/v1/namespaces/${deps.templateNamespace}/templates`;
  const logger = deps.logger.child({ watch: "templates", namespace: deps.templateNamespace });
  const transform = withoutBookkeeping;
  let current: TemplateCatalog | undefined;
  const reported = new Set<string>();
  const informer: SupervisedInformer<WatchedObject> = new SupervisedInformer<WatchedObject>({
    kubeConfig: deps.kubeConfig,
    path,
    list: emptyWhenNotServed(() => listAllPages<WatchedObject>(deps.rest, path, { transform }), logger, "the cluster does not serve template.openshift.io/v1 Templates; the catalog has no cluster templates until it does"),
    transform,
    logger,
    onChange: () => {
      current = undefined;
    },
    onRestart: deps.onRestart,
    maxBackoffMs: 60_000,
  });

  function rebuild(): TemplateCatalog {
    const templates: OpenShiftTemplate[] = [];
    for (const raw of informer.list()) {
      const result = readTemplate(raw);
      if (result.value) templates.push(result.value);
      else {
        const version = `${raw.metadata.name}@${raw.metadata.resourceVersion ?? ""}`;
        if (!reported.has(version)) {
          reported.add(version);
          logger.warn({ template: raw.metadata.name, errors: result.errors.map(formatFieldError) }, "Left an invalid Template out of the catalog");
        }
      }
    }
    return catalogOfTemplates(templates, deps.templateNamespace).catalog;
  }

  return {
    catalog: () => (current ??= rebuild()),
    get synced() {
      return informer.hasSynced;
    },
    describe: () => `catalog: watching Templates in namespace ${deps.templateNamespace}${informer.hasSynced ? "" : " (not synced yet)"}`,
    start: () => informer.start(),
    stop: () => informer.stop(),
  };
}
