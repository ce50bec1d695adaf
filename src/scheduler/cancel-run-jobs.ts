import type { Db, RunStatus } from '../store/index.js';
import { completeRun } from './complete-run.js';
import type { LockedRun } from './lock-run.js';
import type { RunningJobRef } from './scheduled-job.js';

export interface CanceledRun {
  runId: number;
  /** Pending and queued jobs canceled by this call. */
  canceledJobIds: number[];
  /** Jobs still running: their agents must be told to stop; each one's report of `canceled` ends it. */
  running: RunningJobRef[];
  /** The run's final status when nothing was left running. */
  runStatus?: RunStatus;
}

const canceledFailure = JSON.stringify({ kind: 'canceled', retryable: false, message: 'the run was canceled' });

/**
 * Cancels a locked run (the caller holds lockRun). A finished run is left as it is. Statement order
 * matters: once the queued jobs are canceled (and so locked until commit) no claim can start one, and
 * the running jobs are read afterwards, in a new snapshot, so a claim that won a job just before is
 * listed too.
 */
export async function cancelRunJobs(tx: Db, run: LockedRun, now: Date): Promise<CanceledRun> {
  if (run.status !== 'queued' && run.status !== 'running') return { runId: run.id, canceledJobIds: [], running: [] };
  const cancelRequestedAt = run.cancelRequestedAt ?? now;
  await tx.query('UPDATE runs SET cancel_requested_at = $2 WHERE id = $1', [run.id, cancelRequestedAt]);
  const canceled = await tx.query<{ id: number }>(
    `UPDATE jobs SET status = 'canceled', failure = $3, finished_at = $2
     WHERE run_id = $1 AND status IN ('pending', 'queued') RETURNING id`,
    [run.id, now, canceledFailure],
  );
  const running = await tx.query<RunningJobRef>(
    `SELECT id AS "jobId", lease_owner AS "leaseOwner" FROM jobs
     WHERE run_id = $1 AND status = 'running' ORDER BY id`,
    [run.id],
  );
  const result: CanceledRun = {
    runId: run.id,
    canceledJobIds: canceled.rows.map((row) => row.id).sort((a, b) => a - b),
    running: running.rows,
  };
  const runStatus = await completeRun(tx, { ...run, cancelRequestedAt }, now);
  if (runStatus) result.runStatus = runStatus;
  return result;
}
