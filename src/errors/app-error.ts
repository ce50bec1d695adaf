/**
 * The one error type that crosses module boundaries. `code` is a closed set, mapped once to HTTP
 * status (and later gRPC codes) in api/. Messages say what was wrong, where, and what to do.
 */
export const ErrorCode = {
  invalidArgument: 'invalid_argument',
  invalidPipeline: 'invalid_pipeline',
  unauthenticated: 'unauthenticated',
  /** Who asked is known but may not do this (role, or the author deciding their own change). */
  permissionDenied: 'permission_denied',
  payloadTooLarge: 'payload_too_large',
  notFound: 'not_found',
  alreadyExists: 'already_exists',
  /** The request lost a race with newer state, e.g. a stale fencing token: stop, do not retry. */
  conflict: 'conflict',
  failedPrecondition: 'failed_precondition',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AppErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
