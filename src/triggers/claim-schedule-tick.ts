import type { Db } from '../store/index.js';

export interface ScheduleTick {
  projectId: number;
  cron: string;
  /** Default UTC; part of the key, so one cron read in two zones is two schedules. */
  timezone?: string;
  tickAt: Date;
}

/**
 * Claims one tick of a project's schedule; true for exactly one caller across all servers, and only
 * for a tick later than the last one claimed. Two servers claiming the same tick: the second's upsert
 * waits for the first's transaction, then re-checks the WHERE against the committed row and updates
 * nothing. Call it in the transaction that creates the run, so a failed run creation un-claims it.
 */
export async function claimScheduleTick(db: Db, tick: ScheduleTick): Promise<boolean> {
  const claimed = await db.query(
    `INSERT INTO schedule_ticks (project_id, cron, timezone, last_tick_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (project_id, cron, timezone) DO UPDATE
       SET last_tick_at = EXCLUDED.last_tick_at, claimed_at = now()
       WHERE schedule_ticks.last_tick_at < EXCLUDED.last_tick_at
     RETURNING 1`,
    [tick.projectId, tick.cron, tick.timezone ?? 'UTC', tick.tickAt],
  );
  return claimed.rowCount === 1;
}
