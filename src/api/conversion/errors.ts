export type ConversionErrorCode =
  /** The object is not a JSON object. */
  | "NotAnObject"
  /** The object's apiVersion is not one this CRD serves. */
  | "UnknownSourceVersion"
  /** The version asked for is not one this CRD serves. */
  | "UnsupportedDesiredVersion"
  /** A field that the API server's schema guarantees has another type (only partial or forged objects). */
  | "InvalidField";

/**
 * Thrown by `convertObject` for input that no API server would send: never for stored data, whose
 * parameters convert whatever they hold. The message names the field and never quotes a value.
 */
export class ConversionError extends Error {
  override readonly name = "ConversionError";

  constructor(
    readonly code: ConversionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
