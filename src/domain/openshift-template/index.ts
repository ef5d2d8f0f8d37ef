export { catalogEntry, secretParameterNames, templateDescription, templateId, type CatalogParameter, type OpenShiftCatalogEntry } from "./catalog-entry.ts";
export { checkSuppliedValues } from "./check-values.ts";
export { CONTAINER_DISKS_ANNOTATION, DEFAULT_TEMPLATE_NAMESPACE, isCatalogTemplate, TEMPLATE_VERSION_LABEL } from "./discovery.ts";
export { ExpressionError, generateExpressionValue, removeDuplicateChars, type RandomIndexSource } from "./expression.ts";
export { goFieldNameMatches } from "./go-field-name.ts";
export {
  instanceLabels,
  instantiateForOrder,
  SSVIRT_VAPP_NAME_LABEL,
  TEMPLATE_INSTANCE_OWNER_LABEL,
  type InstanceTarget,
  type InstantiatedTemplate,
} from "./instantiate.ts";
export { checkParameterKey, keyedIndexSource, MIN_PARAMETER_KEY_BYTES, ParameterKeyError } from "./keyed-random.ts";
export { orderIdentity, templateInstanceUid } from "./order-identity.ts";
export {
  applySuppliedValues,
  EXPRESSION_GENERATOR,
  generateParameterValues,
  keyedGenerators,
  sharedSourceGenerators,
  type Generators,
  type ParameterGenerator,
} from "./parameters.ts";
export { processTemplate, type ProcessOptions } from "./process.ts";
export type { TemplateProblem, TemplateProblemCode, TemplateResult } from "./problems.ts";
export { isTemplateDocument, readTemplate, TEMPLATE_API_VERSION, TEMPLATE_KIND } from "./read-template.ts";
export { CATALOG_ID_PREFIX, catalogTemplateId, isCatalogTemplateId, parseCatalogTemplateId } from "./template-id.ts";
export { renderTemplateForOrder, VM_NAME_PARAMETER, type TemplateOrder, type TemplateRenderOptions } from "./render-for-order.ts";
export type { JsonObject, JsonValue, OpenShiftTemplate, ProcessedTemplate, TemplateMetadata, TemplateParameter } from "./types.ts";
