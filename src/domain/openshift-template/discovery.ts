import type { OpenShiftTemplate } from "./types.ts";

/**
 * Which Templates the catalog offers: SSVirt's rule (`TemplateService.getFilteredTemplates` in
 * `pkg/services/template.go`): in the template namespace (`TEMPLATE_NAMESPACE`, default
 * `openshift`), with the label `template.kubevirt.io/version` present (any value) and the
 * annotation `template.kubevirt.io/containerdisks` present (any value). The KubeVirt common
 * templates carry both.
 */
export const DEFAULT_TEMPLATE_NAMESPACE = "openshift";
export const TEMPLATE_VERSION_LABEL = "template.kubevirt.io/version";
export const CONTAINER_DISKS_ANNOTATION = "template.kubevirt.io/containerdisks";

/**
 * A Template read from a file usually has no namespace: it counts as being in the template
 * namespace (where `oc apply -n openshift` would put it).
 */
export function isCatalogTemplate(template: OpenShiftTemplate, templateNamespace: string = DEFAULT_TEMPLATE_NAMESPACE): boolean {
  const { namespace, labels, annotations } = template.metadata;
  return (
    (namespace ?? templateNamespace) === templateNamespace &&
    labels !== undefined &&
    Object.hasOwn(labels, TEMPLATE_VERSION_LABEL) &&
    annotations !== undefined &&
    Object.hasOwn(annotations, CONTAINER_DISKS_ANNOTATION)
  );
}
