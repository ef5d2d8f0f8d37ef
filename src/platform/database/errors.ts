/**
 * The status store's error catalogue. Every error a store method throws is one of these, with a
 * stable `code` and the driver's error as `cause`. Only `DatabaseUnavailableError` is worth a
 * retry: the others need a code or configuration change.
 */
export abstract class StatusStoreError extends Error {
  abstract readonly code: string;
  /** True when the same call may succeed later without any change (the caller retries with backoff). */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The database cannot be reached or dropped the connection (server down, restarting, network). */
export class DatabaseUnavailableError extends StatusStoreError {
  readonly code = "DATABASE_UNAVAILABLE";
  readonly retryable = true;
}

/** The database answered with an error (SQL, constraint, permission, missing database). */
export class DatabaseQueryError extends StatusStoreError {
  readonly code = "DATABASE_QUERY_FAILED";
  readonly retryable = false;
  /** PostgreSQL SQLSTATE, when the server sent one. */
  readonly sqlState: string | undefined;

  constructor(message: string, options: { cause?: unknown; sqlState?: string }) {
    super(message, options);
    this.sqlState = options.sqlState;
  }
}

/** A schema migration failed or a recorded migration no longer matches the code. */
export class MigrationError extends StatusStoreError {
  readonly code = "DATABASE_MIGRATION_FAILED";
  readonly retryable = false;
  readonly version: number;

  constructor(message: string, options: { cause?: unknown; version: number }) {
    super(message, options);
    this.version = options.version;
  }
}

/** A row handed to the store breaks its contract (caught before any SQL is sent). */
export class InvalidVmStateError extends StatusStoreError {
  readonly code = "INVALID_VM_STATE";
  readonly retryable = false;
}

/** Node socket errors that mean "no connection" rather than "the server said no". */
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENOENT", // Unix socket path gone while the server is down
]);

/**
 * SQLSTATEs that mean the server is going away or not accepting work yet: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
 * 53300 too_many_connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

/** Messages of node-postgres and PGlite that carry no code but mean the connection is unusable. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /cannot use a pool after calling end/i,
  /query read timeout/i,
  /pglite is closed/i,
];

/** True when `error` (or anything in its cause chain) means the database cannot be reached. */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && (NETWORK_ERROR_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))) {
    return true;
  }
  if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // A WebAssembly trap (WebAssembly.RuntimeError) leaves PGlite unusable.
  if (error instanceof Error && error.name === "RuntimeError") return true;
  if (Array.isArray(errors) && errors.some((inner) => isConnectionFailure(inner, depth + 1))) return true;
  return isConnectionFailure(cause, depth + 1);
}

/** Wraps a driver error into the catalogue; errors already in it pass through unchanged. */
export function toStoreError(error: unknown, operation: string): StatusStoreError {
  if (error instanceof StatusStoreError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isConnectionFailure(error)) {
    return new DatabaseUnavailableError(`Database unavailable during ${operation}: ${detail}`, { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const sqlState = typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  return new DatabaseQueryError(`Database query failed during ${operation}: ${detail}`, {
    cause: error,
    ...(sqlState ? { sqlState } : {}),
  });
}
