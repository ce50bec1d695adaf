import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';

/** Refuses a call from an agent whose lease on the job is gone (a newer attempt holds it, or it ended). */
export async function checkCurrentLease(db: Db, jobId: number, fencingToken: number): Promise<void> {
  const { rows } = await db.query<{ current: number; status: string }>(
    'SELECT fencing_token AS current, status FROM jobs WHERE id = $1',
    [jobId],
  );
  const job = rows[0];
  if (!job) throw new AppError(ErrorCode.notFound, `no job ${jobId}`);
  if (Number(job.current) !== fencingToken || job.status !== 'running') {
    throw new AppError(ErrorCode.conflict, `job ${jobId} is no longer leased with fencing token ${fencingToken}: stop running it`);
  }
}
