import { type Clock, systemClock } from '../../clock/clock.js';
import type { Db } from '../../store/db.js';
import { matchFiles } from '../archive/match-files.js';
import { packFiles } from '../archive/pack-files.js';
import type { BlobStore } from '../blob-store.js';
import { type CacheEntry, cacheEntryColumns, checkCacheKey, quote } from './cache-entry.js';

export interface SaveCacheInput {
  db: Db;
  store: BlobStore;
  projectId: number;
  /** The run's branch: the scope the entry is saved on. */
  branch: string;
  /** Rendered (renderCacheKey). */
  key: string;
  /** Globs relative to workspaceDir; a directory selects everything below it. */
  paths: readonly string[];
  workspaceDir: string;
  clock?: Clock;
}

export type SaveCacheResult = { saved: true; entry: CacheEntry } | { saved: false; reason: string };

/**
 * Saves the selected files under `key` on the branch's scope, unless that key already exists there:
 * entries are immutable, as in GitHub Actions, so a key must change (hashFiles) for new content to be
 * saved. Not saving is an outcome, not an error — a cache is an optimisation.
 */
export async function saveCache(input: SaveCacheInput): Promise<SaveCacheResult> {
  const key = checkCacheKey(input.key);
  const where = `cache ${quote(key)} on branch ${input.branch}`;
  const exists = await input.db.query('SELECT 1 FROM caches WHERE project_id = $1 AND scope = $2 AND key = $3', [
    input.projectId,
    input.branch,
    key,
  ]);
  if (exists.rows.length > 0) return { saved: false, reason: `${where} already exists; entries are immutable — change the key to save new content` };
  const files = await matchFiles(input.workspaceDir, input.paths);
  if (files.length === 0) {
    return { saved: false, reason: `no files in the workspace match ${input.paths.map(quote).join(', ')}; nothing saved as ${where}` };
  }
  const blob = await input.store.put(packFiles(input.workspaceDir, files));
  const now = new Date((input.clock ?? systemClock).now());
  const { rows } = await input.db.query<CacheEntry>(
    `INSERT INTO caches (project_id, scope, key, digest, size, created_at, last_used_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (project_id, scope, key) DO NOTHING
     RETURNING ${cacheEntryColumns}`,
    [input.projectId, input.branch, key, blob.digest, blob.size, now],
  );
  // A concurrent job saved the same key first; its entry stands. The blob just put may now be
  // unreferenced: blobs are shared by digest, so only a reference-counting sweep may delete them.
  if (!rows[0]) return { saved: false, reason: `${where} was saved by another job meanwhile; entries are immutable` };
  return { saved: true, entry: rows[0] };
}
