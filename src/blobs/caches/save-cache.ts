import { type Clock, systemClock } from '../../clock/clock.js';
import type { Db } from '../../store/db.js';
import { matchFiles } from '../archive/match-files.js';
import { packFiles } from '../archive/pack-files.js';
import type { BlobStore } from '../blob-store.js';
import { checkCacheKey, quote } from './cache-entry.js';
import { cacheExists, recordCacheEntry, type SaveCacheResult } from './record-cache-entry.js';

export type { SaveCacheResult };

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

/**
 * Saves the selected files under `key` on the branch's scope, unless that key already exists there:
 * entries are immutable, as in GitHub Actions, so a key must change (hashFiles) for new content to be
 * saved. Not saving is an outcome, not an error — a cache is an optimisation.
 */
export async function saveCache(input: SaveCacheInput): Promise<SaveCacheResult> {
  const key = checkCacheKey(input.key);
  const where = `cache ${quote(key)} on branch ${input.branch}`;
  if (await cacheExists(input.db, input.projectId, input.branch, key)) return { saved: false, reason: `${where} already exists; entries are immutable — change the key to save new content` };
  const files = await matchFiles(input.workspaceDir, input.paths);
  if (files.length === 0) {
    return { saved: false, reason: `no files in the workspace match ${input.paths.map(quote).join(', ')}; nothing saved as ${where}` };
  }
  const blob = await input.store.put(packFiles(input.workspaceDir, files));
  const now = new Date((input.clock ?? systemClock).now());
  return recordCacheEntry(input.db, { projectId: input.projectId, branch: input.branch, key, blob, now });
}
