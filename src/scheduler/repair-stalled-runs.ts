import type { Clock } from '../clock/clock.js';
import type { Db } from '../store/index.js';
import { lockRun } from './lock-run.js';
import { promoteDependants } from './promote-dependants.js';
import { completeRun } from './complete-run.js';

/**
 * Finishes the follow-ups a crash interrupted (followUpCommittedJob runs after the job's commit): runs
 * still open with no job left to run, and pending jobs whose needs have all finished (not those held
 * at a gate: advanceGates moves them on). Both are
 * idempotent under the run's lock, so a report following up at the same moment does no harm.
 * Returns the ids of the runs it repaired.
 */
export async function repairStalledRuns(db: Db, clock: Clock, limit = 100): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT r.id FROM runs r
     WHERE r.status IN ('queued', 'running') AND (
       NOT EXISTS (SELECT 1 FROM jobs j WHERE j.run_id = r.id AND j.status IN ('pending', 'queued', 'running'))
       OR EXISTS (
         SELECT 1 FROM jobs p WHERE p.run_id = r.id AND p.status = 'pending' AND p.gate_id IS NULL AND NOT EXISTS (
           SELECT 1 FROM jobs n WHERE n.run_id = r.id AND n.job_key = ANY(p.needs)
             AND n.status IN ('pending', 'queued', 'running'))))
     ORDER BY r.id LIMIT $1`,
    [limit],
  );
  const repaired: number[] = [];
  for (const { id } of rows) {
    const now = new Date(clock.now());
    const changed = await db.transaction(async (tx) => {
      const run = await lockRun(tx, id);
      if (!run || (run.status !== 'queued' && run.status !== 'running')) return false;
      const promotions = await promoteDependants(tx, id, now);
      const status = await completeRun(tx, run, now);
      const moved = promotions.queue.length + promotions.skip.length + promotions.held.length + promotions.refused.length;
      return moved > 0 || status !== undefined;
    });
    if (changed) repaired.push(id);
  }
  return repaired;
}
