import type { Clock } from '../clock/clock.js';
import type { Db } from '../store/index.js';

export interface ReleaseUndeliveredJobsInput {
  agentId: string;
  /** The jobs the agent says it is running; any other job leased to it never reached it. */
  runningJobIds: readonly number[];
}

/**
 * Puts back in the queue, at once, the jobs leased to an agent that the agent does not have: a server
 * that died between committing a claim and pushing it left them leased to an agent that never heard of
 * them, and they would otherwise wait for the lease to expire (15 s by default) and lose an attempt.
 * The attempt is given back (it never started); the fencing token stays, so the next claim outranks
 * any report that could still carry it. Called when the agent (re)connects, before it gets new jobs.
 */
export async function releaseUndeliveredJobs(db: Db, clock: Clock, input: ReleaseUndeliveredJobsInput): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE jobs SET status = 'queued', attempt = attempt - 1, lease_owner = NULL, lease_expires_at = NULL,
       started_at = NULL, ready_at = $3
     WHERE lease_owner = $1 AND status = 'running' AND NOT (id = ANY($2::bigint[]))
     RETURNING id`,
    [input.agentId, [...input.runningJobIds], new Date(clock.now())],
  );
  return rows.map((row) => row.id);
}
