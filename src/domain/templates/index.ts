export {
  KNOWN_TEMPLATE_IDS,
  isKnownTemplateId,
  parameterSpecs,
  templateCatalog,
  type CatalogOptions,
  type ParameterSpec,
  type TemplateDescription,
} from "./catalog.ts";
export { checkParameterMap, imageFloats, type CheckOptions, type FieldWarning, type ParameterChecks } from "./check-parameters.ts";
export type { ExposedPort } from "./ports.ts";
export {
  DEFAULT_CLOUD_INIT_CONFIG,
  DEFAULT_CPU_CORES,
  DEFAULT_DISK_SIZE,
  DEFAULT_EXPOSED_PORTS,
  DEFAULT_IMAGE_SOURCE,
  DEFAULT_MEMORY,
  type VmParameters,
} from "./vm-parameters.ts";
export { describeJsonKind } from "./json-kind.ts";
export { isFloatingImage, parseImageReference, type ImageReference } from "./image-reference.ts";
export { describeJsonSyntaxError, findJsonSyntaxError, type JsonSyntaxError } from "./json-syntax.ts";
export { normalizedParameters, type NormalizedValue } from "./normalized.ts";
export { decodeParameterObject } from "./parameter-object.ts";
export { parseTemplateParameters, readDecodedParameters, readTemplateParameters, whyNotAParameterObject, type ParameterReading } from "./parse.ts";
