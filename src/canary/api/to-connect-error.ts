import { Code, ConnectError } from '@connectrpc/connect';
import { type ErrorCode, isAppError } from '../../errors/app-error.js';

/** The one mapping from AppError codes to gRPC codes, as api/http-status.ts is for HTTP; exhaustive. */
export function grpcCodeFor(code: ErrorCode): Code {
  switch (code) {
    case 'invalid_argument':
    case 'invalid_pipeline':
      return Code.InvalidArgument;
    case 'unauthenticated':
      return Code.Unauthenticated;
    case 'permission_denied':
      return Code.PermissionDenied;
    case 'payload_too_large':
      return Code.ResourceExhausted;
    case 'not_found':
      return Code.NotFound;
    case 'already_exists':
      return Code.AlreadyExists;
    case 'conflict':
      return Code.Aborted;
    case 'failed_precondition':
      return Code.FailedPrecondition;
    case 'unavailable':
      return Code.Unavailable;
    case 'internal':
      return Code.Internal;
  }
}

/** Any thrown value as a ConnectError; unknown errors never leak internals. */
export function toConnectError(error: unknown, log?: (error: unknown) => void): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isAppError(error)) {
    if (error.code === 'internal') log?.(error);
    return new ConnectError(error.message, grpcCodeFor(error.code), undefined, undefined, error);
  }
  log?.(error);
  return new ConnectError('internal error — see the server log', Code.Internal, undefined, undefined, error);
}
