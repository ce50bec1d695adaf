import type { PlannedJob } from '../pipeline/model.js';
import { type Job, jobColumns } from '../store/runs/run.js';

/** A job row with what the scheduler keeps on it (migration 0004). */
export interface ScheduledJob extends Job {
  /** What the agent executes. */
  plan: PlannedJob;
  /** Labels the agent must all have; empty = any agent. */
  runsOn: string[];
  priority: number;
  concurrencyGroup: string | null;
  /** Not claimed before this: when it was queued, or when its retry backoff ends. */
  readyAt: Date;
  /** The agent holding the lease; null unless running. */
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  /** The current lease's token: bumped by every claim. */
  fencingToken: number;
  /** Attempts allowed in all, the first one included. */
  maxAttempts: number;
  timeoutMs: number | null;
}

export const scheduledJobColumns = `${jobColumns}, plan, runs_on AS "runsOn", priority,
  concurrency_group AS "concurrencyGroup", ready_at AS "readyAt", lease_owner AS "leaseOwner",
  lease_expires_at AS "leaseExpiresAt", fencing_token AS "fencingToken", max_attempts AS "maxAttempts",
  timeout_ms AS "timeoutMs"`;

/** A running job and the agent holding it: what the transport tells to stop. */
export interface RunningJobRef {
  jobId: number;
  leaseOwner: string;
}
