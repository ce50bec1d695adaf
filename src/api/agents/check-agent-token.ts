import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { AgentTokenCache } from '../auth/agent-token-cache.js';

/**
 * Throws unauthenticated unless the Authorization header is `Bearer <expected>`. Both sides are hashed
 * first so the comparison takes the same time whatever the length or content of the guess.
 */
export function checkAgentToken(header: string | undefined, expected: string, stored?: AgentTokenCache): void {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  // An agent's own token (slpa_…), verified against the store by the access check just before.
  if (match && stored?.has(match[1]!)) return;
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const wanted = createHash('sha256').update(expected).digest();
  if (!match || !timingSafeEqual(given, wanted)) {
    throw new AppError(ErrorCode.unauthenticated, 'missing or wrong agent token: send `Authorization: Bearer <token>` with an agent token (`slipway agents token create`) or SLIPWAY_AGENT_TOKEN');
  }
}
