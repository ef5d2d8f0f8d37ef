/**
 * How an order names a catalog template (ADR 28). The order CRD, upstream's, restricts
 * `spec.templateID` to `^[a-zA-Z_][a-zA-Z0-9._]*$` (Ansible-collection style, like
 * `cloudkit.templates.ocp_virt_vm`), so `<namespace>/<name>` cannot be written there. A catalog
 * template is `openshift.templates.<namespace>.<name>` with every '-' written as '_': lossless,
 * since namespaces and Template names (DNS labels and subdomains) never hold a '_', and
 * unambiguous, since a namespace never holds a '.'. The template API uses the same id.
 */
export const CATALOG_ID_PREFIX = "openshift.templates.";

export function catalogTemplateId(namespace: string, name: string): string {
  return `${CATALOG_ID_PREFIX}${namespace.replaceAll("-", "_")}.${name.replaceAll("-", "_")}`;
}

/** True for ids in the catalog's form (whether or not such a template exists); the built-in ids never are. */
export function isCatalogTemplateId(id: string): boolean {
  return id.startsWith(CATALOG_ID_PREFIX);
}

/** The Template's namespace and name, or undefined when the id is not in the catalog's form. */
export function parseCatalogTemplateId(id: string): { readonly namespace: string; readonly name: string } | undefined {
  if (!isCatalogTemplateId(id)) return undefined;
  const rest = id.slice(CATALOG_ID_PREFIX.length);
  const dot = rest.indexOf(".");
  if (dot <= 0 || dot === rest.length - 1) return undefined;
  return { namespace: rest.slice(0, dot).replaceAll("_", "-"), name: rest.slice(dot + 1).replaceAll("_", "-") };
}
