import { DEFAULT_TEMPLATE_NAMESPACE, isCatalogTemplate } from "../openshift-template/discovery.ts";
import { templateId } from "../openshift-template/catalog-entry.ts";
import type { OpenShiftTemplate } from "../openshift-template/types.ts";

/**
 * The catalog templates an order may name, by id (`openshift.templates.<namespace>.<name>`,
 * template-id.ts): Templates that pass SSVirt's discovery rule, read from files or watched on a cluster.
 */
export interface TemplateCatalog {
  get(id: string): OpenShiftTemplate | undefined;
  /** Every id, sorted. */
  ids(): readonly string[];
  readonly templateNamespace: string;
}

export interface BuiltCatalog {
  readonly catalog: TemplateCatalog;
  /** Templates left out by the discovery rule, by id, with why. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

/** A catalog of the Templates that pass the discovery rule (a later Template of the same id wins). Pure. */
export function catalogOfTemplates(templates: readonly OpenShiftTemplate[], templateNamespace: string = DEFAULT_TEMPLATE_NAMESPACE): BuiltCatalog {
  const byId = new Map<string, OpenShiftTemplate>();
  const skipped: { id: string; reason: string }[] = [];
  for (const template of templates) {
    const id = templateId(template, templateNamespace);
    if (isCatalogTemplate(template, templateNamespace)) byId.set(id, template);
    else skipped.push({ id, reason: whyNotInCatalog(template, templateNamespace) });
  }
  const ids = [...byId.keys()].sort();
  return { catalog: { get: (id) => byId.get(id), ids: () => ids, templateNamespace }, skipped };
}

export function whyNotInCatalog(template: OpenShiftTemplate, templateNamespace: string): string {
  const { namespace, labels, annotations } = template.metadata;
  if ((namespace ?? templateNamespace) !== templateNamespace) return `it is in namespace '${namespace}', not the template namespace '${templateNamespace}'`;
  if (!labels || !Object.hasOwn(labels, "template.kubevirt.io/version")) return "it has no label template.kubevirt.io/version";
  if (!annotations || !Object.hasOwn(annotations, "template.kubevirt.io/containerdisks")) return "it has no annotation template.kubevirt.io/containerdisks";
  return "it is not a catalog template";
}

export const EMPTY_CATALOG: TemplateCatalog = Object.freeze({ get: () => undefined, ids: () => [], templateNamespace: DEFAULT_TEMPLATE_NAMESPACE });
