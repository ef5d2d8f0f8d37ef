import { catalogOfTemplates, EMPTY_CATALOG, type TemplateCatalog } from "../../domain/catalog-order/index.ts";
import type { OpenShiftTemplate } from "../../domain/openshift-template/index.ts";

/** The catalog templates the webhook serves and admits orders for: from files, from a watch, or none. */
export interface CatalogSource {
  /** The catalog as it is now (a watched catalog changes as Templates do). */
  catalog(): TemplateCatalog;
  /** False until a watched catalog has listed its namespace once. */
  readonly synced: boolean;
  /** For /readyz and the start-up log. */
  describe(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Templates read from `--templates` at start-up; they never change while the webhook runs. */
export function fileCatalog(templates: readonly OpenShiftTemplate[], templateNamespace: string): CatalogSource {
  const { catalog } = catalogOfTemplates(templates, templateNamespace);
  return {
    catalog: () => catalog,
    synced: true,
    describe: () => `catalog: ${catalog.ids().length} template(s) from --templates (namespace ${templateNamespace})`,
    start: async () => {},
    stop: async () => {},
  };
}

/** No cluster and no files: no catalog templates (orders may still name the built-in ones). */
export function noCatalog(): CatalogSource {
  return { catalog: () => EMPTY_CATALOG, synced: true, describe: () => "catalog: none (no cluster access and no --templates)", start: async () => {}, stop: async () => {} };
}
