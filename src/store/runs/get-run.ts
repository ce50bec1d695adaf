import type { Db } from '../db.js';
import { assembleRunDetail, type Job, jobColumns, type Run, type RunDetail, runColumns, type Step, stepColumns } from './run.js';

/**
 * The run with its jobs and steps, or undefined. Three statements, not one snapshot: a reader may see
 * a job finish a moment before its run does; callers poll or follow events anyway.
 */
export async function getRun(db: Db, runId: number): Promise<RunDetail | undefined> {
  const run = (await db.query<Run>(`SELECT ${runColumns} FROM runs WHERE id = $1`, [runId])).rows[0];
  if (!run) return undefined;
  const jobs = await db.query<Job>(`SELECT ${jobColumns} FROM jobs WHERE run_id = $1 ORDER BY id`, [runId]);
  const steps = await db.query<Step>(
    `SELECT ${stepColumns} FROM steps WHERE job_id IN (SELECT id FROM jobs WHERE run_id = $1) ORDER BY job_id, idx`,
    [runId],
  );
  return assembleRunDetail(run, jobs.rows, steps.rows);
}
