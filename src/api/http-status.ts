import { type ErrorCode, isAppError } from '../errors/app-error.js';

/** The one mapping from AppError codes to HTTP statuses; exhaustive so a new code must be placed. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid_argument':
    case 'invalid_pipeline':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'permission_denied':
      return 403;
    case 'payload_too_large':
      return 413;
    case 'not_found':
      return 404;
    case 'already_exists':
    case 'conflict':
      return 409;
    case 'failed_precondition':
      return 412;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Renders any thrown value as the API's single error shape; unknown errors never leak internals. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (isAppError(error)) {
    return {
      status: httpStatusFor(error.code),
      body: { error: { code: error.code, message: error.message, details: error.details } },
    };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      body: {
        error: { code: 'invalid_argument', message: fastifyError.message ?? 'bad request', details: {} },
      },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal error — see the server log', details: {} } },
  };
}
