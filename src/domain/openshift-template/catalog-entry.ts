import { DEFAULT_TEMPLATE_NAMESPACE } from "./discovery.ts";
import { referencedNames } from "./substitute.ts";
import { catalogTemplateId } from "./template-id.ts";
import { isJsonObject, type JsonValue, type OpenShiftTemplate } from "./types.ts";

/**
 * How a discovered Template is offered beside the built-in `ocp_virt_vm` template (the
 * `/api/v1/templates` catalog): one entry per Template, one row per parameter.
 */
export interface OpenShiftCatalogEntry {
  /**
   * What an order's `templateID` names: `openshift.templates.<namespace>.<name>`, '-' written as '_'
   * (e.g. `openshift.templates.openshift.fedora_server_small`, template-id.ts).
   */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** `openshift.io/display-name`, else the name. */
  readonly title: string;
  /** The `description` annotation, else `template.openshift.io/long-description`, else "" (SSVirt's choice). */
  readonly description: string;
  readonly parameters: readonly CatalogParameter[];
}

export interface CatalogParameter {
  readonly name: string;
  readonly displayName?: string;
  readonly description: string;
  readonly required: boolean;
  /** The Template's own value; absent when it has none. */
  readonly default?: string;
  /** How a value is made when the order gives none and there is no default. */
  readonly generator?: { readonly generate: string; readonly from: string };
  /**
   * The value ends up in cloud-init user data or in a Secret, so it must never be shown, logged
   * or echoed (like `cloud_init_config` in the built-in template).
   */
  readonly secret: boolean;
}

const DISPLAY_NAME_ANNOTATION = "openshift.io/display-name";
const LONG_DESCRIPTION_ANNOTATION = "template.openshift.io/long-description";

export function templateId(template: OpenShiftTemplate, templateNamespace: string = DEFAULT_TEMPLATE_NAMESPACE): string {
  return catalogTemplateId(template.metadata.namespace ?? templateNamespace, template.metadata.name);
}

export function catalogEntry(template: OpenShiftTemplate, templateNamespace: string = DEFAULT_TEMPLATE_NAMESPACE): OpenShiftCatalogEntry {
  const annotations = template.metadata.annotations ?? {};
  const secretNames = secretParameterNames(template);
  return {
    id: templateId(template, templateNamespace),
    namespace: template.metadata.namespace ?? templateNamespace,
    name: template.metadata.name,
    title: annotations[DISPLAY_NAME_ANNOTATION] || template.metadata.name,
    description: templateDescription(annotations),
    parameters: template.parameters.map((parameter) => ({
      name: parameter.name,
      ...(parameter.displayName ? { displayName: parameter.displayName } : {}),
      description: parameter.description ?? "",
      required: parameter.required === true,
      ...(parameter.value ? { default: parameter.value } : {}),
      ...(parameter.generate ? { generator: { generate: parameter.generate, from: parameter.from ?? "" } } : {}),
      secret: secretNames.has(parameter.name),
    })),
  };
}

/** SSVirt's `TemplateToCatalogItem`: `description` if the key is there (even empty), else the long description. */
export function templateDescription(annotations: Readonly<Record<string, string>>): string {
  if (Object.hasOwn(annotations, "description")) return annotations.description!;
  return annotations[LONG_DESCRIPTION_ANNOTATION] ?? "";
}

/**
 * Parameters referenced (`${NAME}` or `${{NAME}}`) in a KubeVirt cloud-init volume's user or
 * network data, or in a Secret object's `data`/`stringData`: where values are credentials.
 */
export function secretParameterNames(template: OpenShiftTemplate): ReadonlySet<string> {
  const names = new Set<string>();
  const collect = (value: JsonValue | undefined): void => {
    if (typeof value === "string") {
      for (const name of referencedNames(value)) names.add(name);
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (isJsonObject(value)) Object.values(value).forEach(collect);
  };
  for (const object of template.objects) {
    if (!isJsonObject(object)) continue;
    if (object.kind === "Secret") {
      collect(object.data);
      collect(object.stringData);
    } else {
      for (const source of cloudInitSources(object)) collect(source);
    }
  }
  return names;
}

function cloudInitSources(object: JsonValue): JsonValue[] {
  const sources: JsonValue[] = [];
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === "cloudInitNoCloud" || key === "cloudInitConfigDrive") sources.push(child);
        else visit(child);
      }
    }
  };
  visit(object);
  return sources;
}
