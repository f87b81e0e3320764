/** Error codes the whole system shares; each maps to one HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  cycle: 409,
  limit: 429,
  unavailable: 503,
  runtime_failed: 502,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type that crosses module boundaries: a code, a message for people, a cause. */
export class GastownError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GastownError";
    this.code = code;
    this.details = options.details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new GastownError("not_found", `${what} not found`);
export const badRequest = (message: string, details?: unknown) => new GastownError("bad_request", message, { details });
export const conflict = (message: string) => new GastownError("conflict", message);

export function isGastownError(e: unknown): e is GastownError {
  return e instanceof GastownError;
}

/** Message of any thrown value, for events and logs (never includes stack or secrets). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
