import type { Clock } from '../../clock/clock.js';
import { hashSecret } from '../../identity/index.js';

/**
 * Stored agent tokens (slpa_…) the access check verified moments ago, so the agent routes' own
 * synchronous token check accepts them beside the shared SLIPWAY_AGENT_TOKEN. Entries live a few
 * seconds: a revoked token stops working for new requests at once (each is verified again first).
 */
export interface AgentTokenCache {
  remember(secret: string): void;
  has(secret: string): boolean;
}

export function createAgentTokenCache(clock: Clock, ttlMs = 5000): AgentTokenCache {
  const verified = new Map<string, number>();
  return {
    remember(secret) {
      const now = clock.now();
      if (verified.size > 10_000) for (const [hash, until] of verified) if (until <= now) verified.delete(hash);
      verified.set(hashSecret(secret), now + ttlMs);
    },
    has(secret) {
      const until = verified.get(hashSecret(secret));
      return until !== undefined && until > clock.now();
    },
  };
}
