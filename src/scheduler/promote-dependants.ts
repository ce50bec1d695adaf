import type { JobCondition } from '../pipeline/model.js';
import type { Db } from '../store/index.js';
import { decidePromotions, type Promotions, type RunJobState } from './decide-promotions.js';

/**
 * Queues the pending jobs of the run whose needs are all done and whose `if` holds, and skips the
 * others (transitively). The caller holds the run's lock and has seen a pending job that may be ready.
 */
export async function promoteDependants(tx: Db, runId: number, now: Date): Promise<Promotions> {
  const { rows } = await tx.query<RunJobState>(
    `SELECT id, job_key AS "jobKey", needs, status,
       coalesce(plan ->> 'if', 'success') AS condition,
       coalesce((plan ->> 'continueOnError')::boolean, false) AS "continueOnError"
     FROM jobs WHERE run_id = $1 ORDER BY id`,
    [runId],
  );
  const promotions = decidePromotions(rows.map((row) => ({ ...row, condition: row.condition as JobCondition })));
  if (promotions.queue.length > 0) {
    await tx.query("UPDATE jobs SET status = 'queued', ready_at = $2 WHERE id = ANY($1::bigint[]) AND status = 'pending'", [
      promotions.queue,
      now,
    ]);
  }
  if (promotions.skip.length > 0) {
    await tx.query(
      "UPDATE jobs SET status = 'skipped', finished_at = $2 WHERE id = ANY($1::bigint[]) AND status = 'pending'",
      [promotions.skip, now],
    );
  }
  return promotions;
}
