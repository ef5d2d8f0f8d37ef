import { Annotations } from "../../api/well-known.ts";
import { redacted, showValue, type FieldError, type Validation } from "../field-error.ts";
import { childNames } from "../naming.ts";
import { checkOrderEnvelope, validateOrder, withLazyConfigVersion, type Order, type OrderEnvelope } from "../order.ts";
import { checkSuppliedValues } from "../openshift-template/check-values.ts";
import { orderIdentity } from "../openshift-template/order-identity.ts";
import type { TemplateOrder } from "../openshift-template/render-for-order.ts";
import type { TemplateProblem } from "../openshift-template/problems.ts";
import type { OpenShiftTemplate } from "../openshift-template/types.ts";
import { decodeParameterObject, KNOWN_TEMPLATE_IDS, whyNotAParameterObject } from "../templates/index.ts";
import { quotedList } from "../templates/wording.ts";
import type { TemplateCatalog } from "./template-catalog.ts";
import { isCatalogTemplateId } from "../openshift-template/template-id.ts";

/**
 * An order for a catalog template (an OpenShift Template, ADR 28): `spec.templateID` is the
 * catalog id `openshift.templates.<namespace>.<name>` (template-id.ts) and
 * `spec.templateParameters` a JSON object of the Template's own parameter names to string values.
 */
export interface CatalogOrder extends OrderEnvelope {
  readonly catalog: {
    readonly template: OpenShiftTemplate;
    /** The order's values by parameter name (null values left out: absent). */
    readonly values: Readonly<Record<string, string>>;
  };
  readonly desiredConfigVersion: string;
}

/** Any order the renderer and the webhook know: the built-in template family's, or a catalog template's. */
export type AnyOrder = Order | CatalogOrder;

export function isCatalogOrder(order: AnyOrder): order is CatalogOrder {
  return "catalog" in order;
}

const PARAMETERS_FIELD = "spec.templateParameters";

/**
 * The only path that instantiates catalog templates (the renderer, ADR 28): the Ansible role knows
 * no catalog, and the controller does not instantiate Templates.
 */
export const CATALOG_ORDER_MODE = "gitops";
const MAX_LISTED_IDS = 20;

/**
 * Checks an order of either kind: a `templateID` in the catalog's form must name a template of the catalog
 * (and its parameters are checked against it, ADR 28); any other is the built-in family's
 * (`validateOrder`). Without a catalog, catalog ids are unknown templates.
 */
export function validateAnyOrder(document: unknown, catalog: TemplateCatalog | undefined): Validation<AnyOrder> {
  const templateId = templateIdOf(document);
  if (templateId === undefined || !isCatalogTemplateId(templateId)) return validateOrder(document);
  const template = catalog?.get(templateId);
  if (template === undefined) {
    const checked = checkOrderEnvelope(document);
    return { errors: [...checked.errors, { field: "spec.templateID", value: showValue(templateId), message: unknownTemplateMessage(catalog) }], warnings: [] };
  }
  return validateCatalogOrder(document, template);
}

/** An order for this Template: the envelope's rules, then the parameters (`checkSuppliedValues`: every message names the parameter). */
export function validateCatalogOrder(document: unknown, template: OpenShiftTemplate): Validation<CatalogOrder> {
  const checked = checkOrderEnvelope(document);
  const errors: FieldError[] = [...checked.errors];
  const managedBy = checked.envelope?.managedBy;
  if (managedBy !== undefined && managedBy !== CATALOG_ORDER_MODE) {
    errors.push({
      field: `metadata.annotations[${Annotations.managedBy}]`,
      value: managedBy,
      message: `must be '${CATALOG_ORDER_MODE}' for an order naming a catalog template: only the GitOps renderer (osac-vm render --templates) instantiates them; the '${managedBy}' path cannot`,
    });
  }
  const values = readValues(checked.templateParameters, errors);
  if (values !== undefined) {
    const templateLabel = checked.templateId ?? template.metadata.name;
    errors.push(...checkSuppliedValues(template, values.given).map((problem) => parameterError(problem, templateLabel)));
  }
  if (errors.length > 0 || !checked.envelope || values === undefined) return { errors, warnings: [] };
  const order = withLazyConfigVersion({ ...checked.envelope, catalog: { template, values: values.strings } });
  return { errors, warnings: [], value: order };
}

/** What `renderTemplateForOrder` needs of a catalog order: objects go to the tenant namespace, `NAME` is the VM's name. */
export function templateOrderOf(order: CatalogOrder): TemplateOrder {
  return {
    identity: orderIdentity(order),
    orderName: order.name,
    namespace: order.tenantNamespace,
    vmName: childNames(order.name).virtualMachine,
    values: order.catalog.values,
  };
}

export function unknownTemplateMessage(catalog: TemplateCatalog | undefined): string {
  const ids = catalog?.ids() ?? [];
  const listed = ids.slice(0, MAX_LISTED_IDS);
  const more = ids.length > listed.length ? ` (and ${ids.length - listed.length} more)` : "";
  const catalogPart =
    ids.length === 0
      ? "; no catalog template is known here (a catalog id is openshift.templates.<namespace>.<name> of a discovered OpenShift Template, '-' written as '_')"
      : `, or a catalog template: ${quotedList(listed)}${more}`;
  return `unknown template; valid values are ${quotedList(KNOWN_TEMPLATE_IDS)}${catalogPart}`;
}

function templateIdOf(document: unknown): string | undefined {
  const spec = typeof document === "object" && document !== null ? (document as { spec?: unknown }).spec : undefined;
  const id = typeof spec === "object" && spec !== null ? (spec as { templateID?: unknown }).templateID : undefined;
  return typeof id === "string" ? id : undefined;
}

/** The decoded parameters: `given` for the checks (every value as sent, nulls left out), `strings` for processing. */
function readValues(text: string | undefined, errors: FieldError[]): { given: Record<string, unknown>; strings: Record<string, string> } | undefined {
  const decoded = decodeParameterObject(text);
  if (decoded === undefined) {
    errors.push({ field: PARAMETERS_FIELD, value: redacted(text), message: whyNotAParameterObject(text ?? "").replace('e.g. {"cpu_cores":"4","memory":"4Gi"}', 'e.g. {"DATA_SOURCE_NAME":"fedora"}') });
    return undefined;
  }
  const given: Record<string, unknown> = {};
  const strings: Record<string, string> = {};
  for (const name of Object.keys(decoded).sort()) {
    const value = decoded[name];
    if (value === null) continue;
    given[name] = value;
    if (typeof value === "string") strings[name] = value;
  }
  return { given, strings };
}

/**
 * A problem with a parameter points at it in the order (`spec.templateParameters.<NAME>`); a
 * problem of the Template itself (a generator it cannot run) points at `spec.templateID`.
 */
function parameterError(problem: TemplateProblem, templateId: string): FieldError {
  const aboutTemplate = problem.code === "InvalidExpression" || problem.code === "UnknownGenerator" || problem.code === "GeneratorFailed";
  if (aboutTemplate || problem.parameter === undefined) {
    return { field: "spec.templateID", message: `template '${templateId}' cannot be processed: ${problem.field}: ${problem.message}` };
  }
  return { field: `${PARAMETERS_FIELD}.${problem.parameter}`, ...(problem.value === undefined ? {} : { value: problem.value }), message: problem.message };
}
