import type { Db } from '../store/index.js';
import type { RunStatus } from '../store/index.js';

export interface LockedRun {
  id: number;
  status: RunStatus;
  cancelRequestedAt: Date | null;
}

/**
 * Takes the run's row lock for the rest of the transaction, or returns undefined for an unknown run.
 * Every write that reads other jobs of a run to decide (promotion, completion, cancellation) takes it
 * before that read: two needs of one job finishing at once would otherwise each see the other still
 * running, and the dependant would never be queued. Lock order: a running job's row, then its run,
 * then the run's pending and queued jobs; claims never wait for a run (see claimJob).
 */
export async function lockRun(tx: Db, runId: number): Promise<LockedRun | undefined> {
  const { rows } = await tx.query<LockedRun>(
    'SELECT id, status, cancel_requested_at AS "cancelRequestedAt" FROM runs WHERE id = $1 FOR NO KEY UPDATE',
    [runId],
  );
  return rows[0];
}
