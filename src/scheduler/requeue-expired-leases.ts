import type { Clock } from '../clock/clock.js';
import type { Db, JobFailure } from '../store/index.js';
import type { RetryOptions } from './decide-retry.js';
import { lockRun } from './lock-run.js';
import { type ScheduledJob, scheduledJobColumns } from './scheduled-job.js';
import { settleAttempt } from './settle-attempt.js';

export interface RequeueExpiredLeasesOptions {
  retry?: RetryOptions;
  /** At most this many jobs per call. Default 100. */
  limit?: number;
}

export interface ReclaimedLeases {
  /** Jobs back in the queue (after their backoff) for another attempt. */
  requeued: number[];
  /** Jobs whose lost attempt was their last (failed), or whose run was being canceled (canceled). */
  finished: number[];
}

/**
 * Takes back the jobs whose lease expired (their agent stopped heartbeating): each lost attempt counts
 * as an infra failure, so the job is retried while attempts remain, else it fails. The fencing token is
 * left as it is: the old holder's token still matches, but the job is no longer running, so its
 * late report is refused; the next claim bumps the token.
 *
 * Safe from several servers at once: each job is re-checked under its own row lock, in its own
 * transaction, so a job another caller already took back is passed over, not requeued twice.
 */
export async function requeueExpiredLeases(
  db: Db,
  clock: Clock,
  options: RequeueExpiredLeasesOptions = {},
): Promise<ReclaimedLeases> {
  const now = new Date(clock.now());
  const expired = await db.query<{ id: number; runId: number }>(
    `SELECT id, run_id AS "runId" FROM jobs WHERE status = 'running' AND lease_expires_at <= $1
     ORDER BY lease_expires_at, id LIMIT $2`,
    [now, options.limit ?? 100],
  );
  const reclaimed: ReclaimedLeases = { requeued: [], finished: [] };
  for (const candidate of expired.rows) {
    // One transaction per job: one slow run does not hold the others' locks.
    const status = await db.transaction(async (tx) => {
      const job = (
        await tx.query<ScheduledJob>(`SELECT ${scheduledJobColumns} FROM jobs WHERE id = $1 FOR UPDATE`, [candidate.id])
      ).rows[0];
      // Re-checked under the job's lock: another server may have taken it back, or the agent renewed.
      if (job?.status !== 'running' || job.leaseExpiresAt === null || job.leaseExpiresAt > now) return undefined;
      // Locked (settleAttempt would lock it anyway) so a concurrent cancel cannot slip in between.
      const run = (await lockRun(tx, job.runId))!;
      const failure: JobFailure = {
        kind: 'infra',
        retryable: true,
        message: `agent ${job.leaseOwner} stopped renewing the lease of attempt ${job.attempt} (expired ${job.leaseExpiresAt.toISOString()})`,
      };
      const outcome =
        run.cancelRequestedAt === null
          ? { status: 'failed' as const, failure }
          : { status: 'canceled' as const, failure: { ...failure, kind: 'canceled' as const, retryable: false } };
      return (await settleAttempt(tx, job, outcome, now, options.retry)).status;
    });
    if (status === 'queued') reclaimed.requeued.push(candidate.id);
    else if (status !== undefined) reclaimed.finished.push(candidate.id);
  }
  return reclaimed;
}
