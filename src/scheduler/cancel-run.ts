import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';
import { type CanceledRun, cancelRunJobs } from './cancel-run-jobs.js';
import { lockRun } from './lock-run.js';

/**
 * Asks a run to stop: its pending and queued jobs are canceled at once; its running jobs are returned
 * so the transport can tell their agents, and each ends when its agent reports `canceled` (or its
 * lease expires). Calling it again, or on a finished run, changes nothing more. Throws not_found.
 */
export async function cancelRun(db: Db, clock: Clock, runId: number): Promise<CanceledRun> {
  return db.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (!run) throw new AppError(ErrorCode.notFound, `run ${runId} does not exist`);
    return cancelRunJobs(tx, run, new Date(clock.now()));
  });
}
