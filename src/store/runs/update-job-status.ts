import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../db.js';
import { isTerminalJobStatus, jobStatusesBefore } from './job-transitions.js';
import type { JobFailure, JobStatus } from './run.js';

/** A failure is required for failed; for canceled or queued it may say why (cancel, retry). */
export type JobStatusChange = (
  | { to: 'failed'; failure: JobFailure }
  | { to: 'canceled' | 'queued'; failure?: JobFailure }
  | { to: Exclude<JobStatus, 'failed' | 'canceled' | 'queued'> }
) & {
  /** When it happened. Default: the database's clock, one clock for every server replica. */
  at?: Date;
};

/**
 * Moves a job to `change.to` if that is a legal transition from its current status (jobTransitions),
 * atomically: of two concurrent callers only one can win a move. Returns false, changing nothing, when
 * the move is not legal from the job's status; throws not_found for an unknown job.
 * Starting (-> running) bumps attempt, sets startedAt and clears the previous attempt's failure;
 * a terminal status sets finishedAt.
 */
export async function updateJobStatus(db: Db, jobId: number, change: JobStatusChange): Promise<boolean> {
  const starting = change.to === 'running';
  const failure = 'failure' in change && change.failure ? JSON.stringify(change.failure) : null;
  const result = await db.query(
    `UPDATE jobs
     SET status = $2,
         failure = $3::jsonb,
         attempt = attempt + CASE WHEN $4::boolean THEN 1 ELSE 0 END,
         started_at = CASE WHEN $4::boolean THEN coalesce($6::timestamptz, now()) ELSE started_at END,
         finished_at = CASE WHEN $5::boolean THEN coalesce($6::timestamptz, now()) END
     WHERE id = $1 AND status = ANY($7::text[])`,
    [jobId, change.to, failure, starting, isTerminalJobStatus(change.to), change.at ?? null, jobStatusesBefore(change.to)],
  );
  if (result.rowCount === 1) return true;
  const exists = await db.query('SELECT 1 FROM jobs WHERE id = $1', [jobId]);
  if (exists.rowCount === 0) throw new AppError(ErrorCode.notFound, `job ${jobId} does not exist`);
  return false;
}
