import type { Db, JobStatus } from '../store/index.js';
import { lockRun } from './lock-run.js';
import type { ScheduledJob } from './scheduled-job.js';
import { followUpFinishedJob, type SettledAttempt } from './settle-attempt.js';

/**
 * The run's follow-ups of a job whose final status is already committed: its dependants queued or
 * skipped, the run finished when nothing is left. The probe runs after that commit, so of two jobs
 * finishing at once the later committer's probe sees both finished: one of them always follows up.
 * A crash between the commit and here leaves a run to repairStalledRuns.
 */
export async function followUpCommittedJob(
  db: Db,
  job: Pick<ScheduledJob, 'runId' | 'jobKey'>,
  status: JobStatus,
  now: Date,
): Promise<SettledAttempt> {
  const probe = (
    await db.query<{ waiting: boolean; unfinished: boolean }>(
      `SELECT
         EXISTS (SELECT 1 FROM jobs WHERE run_id = $1 AND status = 'pending' AND $2 = ANY(needs)) AS waiting,
         EXISTS (SELECT 1 FROM jobs WHERE run_id = $1 AND status IN ('pending', 'queued', 'running')) AS unfinished`,
      [job.runId, job.jobKey],
    )
  ).rows[0]!;
  if (!probe.waiting && probe.unfinished) return { status, promoted: [], skipped: [] };
  return db.transaction(async (tx) => {
    const run = await lockRun(tx, job.runId);
    if (!run) return { status, promoted: [], skipped: [] };
    return followUpFinishedJob(tx, run, job, status, now);
  });
}
