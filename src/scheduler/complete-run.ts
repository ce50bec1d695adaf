import type { Db, RunStatus } from '../store/index.js';
import { decideRunStatus, type FinishedJobState } from './decide-run-status.js';
import type { LockedRun } from './lock-run.js';

/**
 * Gives the run its final status when none of its jobs is left to run; returns it, or undefined while
 * jobs remain. The caller holds the run's lock, so two last jobs finishing at once cannot both miss it.
 */
export async function completeRun(tx: Db, run: LockedRun, now: Date): Promise<RunStatus | undefined> {
  const unfinished = await tx.query(
    "SELECT 1 FROM jobs WHERE run_id = $1 AND status IN ('pending', 'queued', 'running') LIMIT 1",
    [run.id],
  );
  if (unfinished.rowCount > 0) return undefined;
  const { rows } = await tx.query<FinishedJobState>(
    `SELECT status, coalesce((plan ->> 'continueOnError')::boolean, false) AS "continueOnError"
     FROM jobs WHERE run_id = $1`,
    [run.id],
  );
  const status = decideRunStatus(rows, run.cancelRequestedAt !== null);
  if (status === undefined) return undefined;
  await tx.query(
    `UPDATE runs SET status = $2, finished_at = $3, started_at = coalesce(started_at, $3)
     WHERE id = $1 AND status IN ('queued', 'running')`,
    [run.id, status, now],
  );
  return status;
}
