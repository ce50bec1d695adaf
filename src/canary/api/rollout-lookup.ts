import type { Clock } from '../../clock/clock.js';
import type { Db } from '../../store/db.js';
import { getRolloutOwners, type RolloutOwner } from '../decisions/get-rollout.js';
import { rolloutIdPattern } from '../decisions/rollout.js';

/** Which rollouts exist, cached: ingestion asks for every batch, and rollouts change rarely. */
export interface RolloutLookup {
  /** The service and owning team of each id that names a registered rollout; ids missing from the map are unknown. */
  ownersOf(ids: readonly string[]): Promise<Map<string, RolloutOwner>>;
}

export interface RolloutLookupOptions {
  db: Db;
  clock: Clock;
  /** How long a found rollout is trusted without asking the store again. Default 30_000. */
  knownTtlMs?: number;
  /**
   * How long an unknown id stays unknown without asking again: short, so a rollout created a moment
   * after its first telemetry is seen soon, but long enough that a producer spraying bad ids costs at
   * most one query per id per interval. Default 1000.
   */
  unknownTtlMs?: number;
  /** Cached ids; past it the cache starts over, so garbage ids cannot grow memory. Default 10_000. */
  maxEntries?: number;
}

export function createRolloutLookup(options: RolloutLookupOptions): RolloutLookup {
  const knownTtlMs = options.knownTtlMs ?? 30_000;
  const unknownTtlMs = options.unknownTtlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { owner: RolloutOwner | undefined; expiresAtMs: number }>();
  return {
    ownersOf: async (ids) => {
      const nowMs = options.clock.now();
      const result = new Map<string, RolloutOwner>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        // Not a possible id: unknown without a query.
        if (!rolloutIdPattern.test(id)) continue;
        const cached = cache.get(id);
        if (cached && cached.expiresAtMs > nowMs) {
          if (cached.owner !== undefined) result.set(id, cached.owner);
        } else {
          missing.push(id);
        }
      }
      if (missing.length === 0) return result;
      const found = await getRolloutOwners(options.db, missing);
      if (cache.size + missing.length > maxEntries) cache.clear();
      for (const id of missing) {
        const owner = found.get(id);
        cache.set(id, { owner, expiresAtMs: nowMs + (owner === undefined ? unknownTtlMs : knownTtlMs) });
        if (owner !== undefined) result.set(id, owner);
      }
      return result;
    },
  };
}
