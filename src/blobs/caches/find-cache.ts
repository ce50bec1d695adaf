import type { Db } from '../../store/db.js';
import type { BlobStore } from '../blob-store.js';
import { type CacheEntry, cacheEntryColumns, checkCacheKey, quote } from './cache-entry.js';

export interface FindCacheInput {
  db: Db;
  /** Entries whose blob is gone are dropped from the store and the search goes on. */
  store: BlobStore;
  projectId: number;
  /** The run's branch, searched first. */
  branch: string;
  /** The project's default branch, searched second; its caches are shared with every branch. */
  defaultBranch: string;
  key: string;
  /** Prefixes tried in order after the key, each matching the newest entry whose key starts with it. */
  restoreKeys: readonly string[];
}

export interface FindCacheResult {
  /** exact: `key` itself; prefix: an entry found by a prefix (of key or a restore key); null: nothing found. */
  hit: 'exact' | 'prefix' | null;
  entry?: CacheEntry;
  /** One line per lookup, in order: why each missed, and what was found where. */
  explanation: string[];
}

type Lookup = { kind: 'exact' | 'prefix'; text: string };

/**
 * Looks up, in the run's branch and then in the default branch (GitHub's order): the exact key, then
 * entries whose key starts with the key, then each restore key as a prefix, the newest entry first.
 * Other branches' entries are never visible, so a pull request cannot poison another branch's cache.
 */
export async function findCache(input: FindCacheInput): Promise<FindCacheResult> {
  const key = checkCacheKey(input.key);
  const restoreKeys = input.restoreKeys.map((k) => checkCacheKey(k, 'restore key'));
  const lookups: Lookup[] = [
    { kind: 'exact', text: key },
    { kind: 'prefix', text: key },
    ...restoreKeys.map((text): Lookup => ({ kind: 'prefix', text })),
  ];
  const scopes = [
    { scope: input.branch, label: `branch ${input.branch}` },
    ...(input.defaultBranch !== input.branch ? [{ scope: input.defaultBranch, label: `default branch ${input.defaultBranch}` }] : []),
  ];
  const explanation: string[] = [];
  for (const { scope, label } of scopes) {
    for (const lookup of lookups) {
      const entry = await findEntry(input.db, input.projectId, scope, lookup);
      const wanted = lookup.kind === 'exact' ? `cache ${quote(lookup.text)}` : `key with prefix ${quote(lookup.text)}`;
      if (!entry) {
        explanation.push(`no ${wanted} on ${label}`);
        continue;
      }
      if (!(await input.store.has(entry.digest))) {
        // Immutable entries would otherwise block every later save of this key.
        await input.db.query('DELETE FROM caches WHERE id = $1', [entry.id]);
        explanation.push(`${wanted} found ${quote(entry.key)} on ${label}, but its blob ${entry.digest} is gone; the entry was dropped`);
        continue;
      }
      const how = lookup.kind === 'exact' ? 'exact key' : `prefix ${quote(lookup.text)}`;
      explanation.push(`restored ${quote(entry.key)} from ${label} (${how})`);
      return { hit: lookup.kind === 'exact' ? 'exact' : 'prefix', entry, explanation };
    }
  }
  return { hit: null, explanation };
}

/** Marks an entry as used now (for eviction of the least recently used). */
export async function touchCache(db: Db, id: number, now: Date): Promise<void> {
  await db.query('UPDATE caches SET last_used_at = $2 WHERE id = $1', [id, now]);
}

async function findEntry(db: Db, projectId: number, scope: string, lookup: Lookup): Promise<CacheEntry | undefined> {
  if (lookup.kind === 'exact') {
    const { rows } = await db.query<CacheEntry>(
      `SELECT ${cacheEntryColumns} FROM caches WHERE project_id = $1 AND scope = $2 AND key = $3`,
      [projectId, scope, lookup.text],
    );
    return rows[0];
  }
  const { rows } = await db.query<CacheEntry>(
    `SELECT ${cacheEntryColumns} FROM caches
     WHERE project_id = $1 AND scope = $2 AND key LIKE $3 ESCAPE '\\'
     ORDER BY created_at DESC, id DESC LIMIT 1`,
    [projectId, scope, `${lookup.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
  );
  return rows[0];
}
