import type { Db } from '../../store/db.js';
import type { BlobInfo } from '../blob-store.js';
import { type CacheEntry, cacheEntryColumns, checkCacheKey, quote } from './cache-entry.js';

export type SaveCacheResult = { saved: true; entry: CacheEntry } | { saved: false; reason: string };

export interface RecordCacheEntryInput {
  projectId: number;
  /** The run's branch: the scope the entry is saved on. */
  branch: string;
  key: string;
  /** The archive, already in the blob store. */
  blob: BlobInfo;
  now: Date;
}

/** Whether `key` is already saved on the branch: entries are immutable, so uploading again is wasted. */
export async function cacheExists(db: Db, projectId: number, branch: string, key: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM caches WHERE project_id = $1 AND scope = $2 AND key = $3', [projectId, branch, key]);
  return rows.length > 0;
}

/** Records an archive already in the blob store under `key` on the branch's scope, unless the key is taken. */
export async function recordCacheEntry(db: Db, input: RecordCacheEntryInput): Promise<SaveCacheResult> {
  const key = checkCacheKey(input.key);
  const { rows } = await db.query<CacheEntry>(
    `INSERT INTO caches (project_id, scope, key, digest, size, created_at, last_used_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (project_id, scope, key) DO NOTHING
     RETURNING ${cacheEntryColumns}`,
    [input.projectId, input.branch, key, input.blob.digest, input.blob.size, input.now],
  );
  // A concurrent job saved the same key first; its entry stands. The blob just put may now be
  // unreferenced: blobs are shared by digest, so only a reference-counting sweep may delete them.
  if (!rows[0]) {
    return { saved: false, reason: `cache ${quote(key)} on branch ${input.branch} was saved by another job meanwhile; entries are immutable` };
  }
  return { saved: true, entry: rows[0] };
}
