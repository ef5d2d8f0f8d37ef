export { KNOWN_TEMPLATE_IDS, templateCatalog, type ParameterSpec, type TemplateDescription } from "./catalog.ts";
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
export { decodeParameterObject } from "./parameter-object.ts";
export { parseTemplateParameters, readTemplateParameters, type ParameterReading } from "./parse.ts";
