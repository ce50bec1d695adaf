import type { JobCondition } from '../pipeline/model.js';
import type { Db, JobFailure } from '../store/index.js';
import { decidePromotions, type Promotions, type RunJobState } from './decide-promotions.js';
import { type EnvironmentJob, openJobGates } from './open-job-gates.js';

export interface GatedPromotions extends Promotions {
  /** Jobs now waiting at their environment's gate: still pending, gate_id set (advanceGates moves them on). */
  held: number[];
  /** Jobs whose gate refused them at once (branch not allowed, frozen): failed. */
  refused: number[];
}

interface JobRow extends RunJobState {
  environment: string | null;
}

/**
 * Queues the pending jobs of the run whose needs are all done and whose `if` holds, and skips the
 * others (transitively). A job with an environment the project defines passes its gate first: queued
 * when it passes at once, held (pending with gate_id) while it waits, failed when refused — and a
 * refusal is a finished need, so the run's jobs are decided again until nothing changes. The caller
 * holds the run's lock and has seen a pending job that may be ready.
 */
export async function promoteDependants(tx: Db, runId: number, now: Date): Promise<GatedPromotions> {
  const total: GatedPromotions = { queue: [], skip: [], held: [], refused: [] };
  for (;;) {
    // A job held at its gate counts as started: its needs are done, only its gate is left.
    const { rows } = await tx.query<JobRow>(
      `SELECT id, job_key AS "jobKey", needs,
         CASE WHEN status = 'pending' AND gate_id IS NOT NULL THEN 'queued' ELSE status END AS status,
         coalesce(plan ->> 'if', 'success') AS condition,
         coalesce((plan ->> 'continueOnError')::boolean, false) AS "continueOnError",
         plan ->> 'environment' AS environment
       FROM jobs WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    const promotions = decidePromotions(rows.map((row) => ({ ...row, condition: row.condition as JobCondition })));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const gated: EnvironmentJob[] = promotions.queue.flatMap((id) => {
      const row = byId.get(id)!;
      return row.environment === null ? [] : [{ id, jobKey: row.jobKey, environment: row.environment }];
    });
    const gates = await openJobGates(tx, runId, gated, now);
    const stopped = new Set([...gates.held, ...gates.refused].map((job) => job.id));
    const queue = promotions.queue.filter((id) => !stopped.has(id));
    const gateIds = [...gates.pass, ...gates.held, ...gates.refused].flatMap((job) =>
      job.gateId === null ? [] : [{ id: job.id, gate_id: job.gateId }],
    );
    if (gateIds.length > 0) {
      await tx.query(
        `UPDATE jobs SET gate_id = s.gate_id FROM jsonb_to_recordset($1::jsonb) AS s (id bigint, gate_id bigint)
         WHERE jobs.id = s.id AND jobs.status = 'pending'`,
        [JSON.stringify(gateIds)],
      );
    }
    if (queue.length > 0) {
      await tx.query("UPDATE jobs SET status = 'queued', ready_at = $2 WHERE id = ANY($1::bigint[]) AND status = 'pending'", [
        queue,
        now,
      ]);
    }
    if (promotions.skip.length > 0) {
      await tx.query(
        "UPDATE jobs SET status = 'skipped', finished_at = $2 WHERE id = ANY($1::bigint[]) AND status = 'pending'",
        [promotions.skip, now],
      );
    }
    for (const refused of gates.refused) await failAtGate(tx, refused.id, refused.failure, now);
    total.queue.push(...queue);
    total.skip.push(...promotions.skip);
    total.held.push(...gates.held.map((job) => job.id));
    total.refused.push(...gates.refused.map((job) => job.id));
    if (gates.refused.length === 0) return total;
  }
}

/** Fails a pending job its gate refused; its steps never ran. The caller holds the run's lock. */
export async function failAtGate(tx: Db, jobId: number, failure: JobFailure, now: Date): Promise<boolean> {
  const { rowCount } = await tx.query(
    "UPDATE jobs SET status = 'failed', failure = $2, finished_at = $3 WHERE id = $1 AND status = 'pending'",
    [jobId, JSON.stringify(failure), now],
  );
  if (rowCount === 0) return false;
  await tx.query("UPDATE steps SET status = 'skipped' WHERE job_id = $1 AND status = 'pending'", [jobId]);
  return true;
}
