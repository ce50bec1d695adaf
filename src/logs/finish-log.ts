import type { Db } from '../store/db.js';
import { lockLogHead, readableLength, updateLogHead } from './log-head.js';

/**
 * Marks a job's log complete: later appends of new bytes are refused, readers reaching its end are
 * told nothing follows. Idempotent; returns the stored length. Call it before LogHub.close so
 * subscribers that drain the store see it complete.
 */
export async function finishLog(db: Db, jobId: number): Promise<{ length: number; truncated: boolean }> {
  return db.transaction(async (tx) => {
    const head = await lockLogHead(tx, jobId);
    if (!head.complete) await updateLogHead(tx, { ...head, complete: true });
    return { length: readableLength(head), truncated: head.truncated };
  });
}
