export { ConversionAnnotations } from "./annotations.ts";
export { convertObject, SERVED_API_VERSIONS } from "./convert.ts";
export { ConversionError, type ConversionErrorCode } from "./errors.ts";
