import type { FieldError } from "../../../domain/field-error.ts";

/**
 * The one error shape of the template API, for every status it answers with other than 200:
 * `{status, reason, message, errors}`. `reason` is a Kubernetes StatusReason (NotFound,
 * MethodNotAllowed, ...), stable for programs; `message` is for people and says what is accepted;
 * `errors` lists field problems where there are any (else it is empty). No message quotes the
 * request body: it may hold cloud-init user data.
 */
export interface ApiErrorBody {
  readonly status: number;
  readonly reason: ApiErrorReason;
  readonly message: string;
  readonly errors: readonly FieldError[];
}

export type ApiErrorReason =
  | "BadRequest"
  | "NotFound"
  | "MethodNotAllowed"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "InternalError";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly reason: ApiErrorReason,
    message: string,
    readonly errors: readonly FieldError[] = [],
    /** Headers the answer must carry (e.g. `Allow` on a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return { status: this.status, reason: this.reason, message: this.message, errors: this.errors };
  }
}

export function badRequest(message: string, errors: readonly FieldError[] = []): ApiError {
  return new ApiError(400, "BadRequest", message, errors);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, "NotFound", message);
}

export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ApiError {
  const allow = allowed.join(", ");
  return new ApiError(405, "MethodNotAllowed", `${method} is not allowed on ${path}; allowed: ${allow}`, [], { allow });
}

export function requestEntityTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, "RequestEntityTooLarge", `the request body exceeds ${limitBytes} bytes; template parameters (cloud-init at most 1 MiB decoded) fit well below`);
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, "UnsupportedMediaType", message);
}

export function internalError(): ApiError {
  return new ApiError(500, "InternalError", "internal error; the failure was logged on the webhook");
}
