import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../../errors/app-error.js';

/**
 * Throws unauthenticated unless the Authorization header is `Bearer <expected>`. Both sides are hashed
 * first so the comparison takes the same time whatever the length or content of the guess.
 */
export function checkAgentToken(header: string | undefined, expected: string): void {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const wanted = createHash('sha256').update(expected).digest();
  if (!match || !timingSafeEqual(given, wanted)) {
    throw new AppError(ErrorCode.unauthenticated, 'missing or wrong agent token: send `Authorization: Bearer <SLIPWAY_AGENT_TOKEN>`');
  }
}
