import type { Db } from '../db.js';

export interface StageDuration {
  stage: string;
  /** From the stage's first job start to its last job finish, in seconds. */
  seconds: number;
}

/** The stages of a run that ran at least one job, each with its wall-clock duration. */
export async function readStageDurations(db: Db, runId: number): Promise<StageDuration[]> {
  const { rows } = await db.query<{ stage: string; seconds: number | string }>(
    `SELECT stage, extract(epoch FROM max(finished_at) - min(started_at)) AS seconds
       FROM jobs WHERE run_id = $1 AND started_at IS NOT NULL AND finished_at IS NOT NULL
      GROUP BY stage ORDER BY stage`,
    [runId],
  );
  return rows.map((row) => ({ stage: row.stage, seconds: Number(row.seconds) }));
}
