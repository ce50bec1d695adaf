import { type Clock, systemClock } from '../../clock/clock.js';
import { unpackArchive } from '../archive/unpack-archive.js';
import type { CacheEntry } from './cache-entry.js';
import { type FindCacheInput, findCache, touchCache } from './find-cache.js';

export interface RestoreCacheInput extends FindCacheInput {
  destDir: string;
  clock?: Clock;
}

export interface RestoreCacheResult {
  /** exact: `key` itself; prefix: an entry found by a prefix (of key or a restore key); null: nothing restored. */
  hit: 'exact' | 'prefix' | null;
  /** The restored entry's key and scope. */
  key?: string;
  scope?: string;
  entry?: CacheEntry;
  /** One line per lookup, in order: why each missed, and what was restored from where. */
  explanation: string[];
}

/** findCache, then the entry found is extracted into destDir (the lookup order is findCache's). */
export async function restoreCache(input: RestoreCacheInput): Promise<RestoreCacheResult> {
  const found = await findCache(input);
  if (!found.entry) return { hit: null, explanation: found.explanation };
  const stream = await input.store.get(found.entry.digest);
  if (!stream) return { hit: null, explanation: [...found.explanation, `but its blob ${found.entry.digest} vanished while it was read`] };
  await unpackArchive(stream, input.destDir);
  const now = new Date((input.clock ?? systemClock).now());
  await touchCache(input.db, found.entry.id, now);
  return {
    hit: found.hit,
    key: found.entry.key,
    scope: found.entry.scope,
    entry: { ...found.entry, lastUsedAt: now },
    explanation: found.explanation,
  };
}
