import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';

export interface ExtendLeaseInput {
  jobId: number;
  fencingToken: number;
  /** The lease then ends this long after now. */
  leaseMs: number;
}

/**
 * The agent's heartbeat: moves the lease's end to now + leaseMs. False when the token is not the
 * job's current lease (requeued, reclaimed, finished): the agent must stop working on the job.
 * A lease that expired but was not yet taken back is still the holder's and is extended.
 */
export async function extendLease(db: Db, clock: Clock, input: ExtendLeaseInput): Promise<boolean> {
  if (!Number.isFinite(input.leaseMs) || input.leaseMs <= 0) {
    throw new AppError(ErrorCode.invalidArgument, `leaseMs must be a positive number of milliseconds, got ${input.leaseMs}`);
  }
  const result = await db.query(
    "UPDATE jobs SET lease_expires_at = $3 WHERE id = $1 AND fencing_token = $2 AND status = 'running'",
    [input.jobId, input.fencingToken, new Date(clock.now() + input.leaseMs)],
  );
  return result.rowCount === 1;
}
