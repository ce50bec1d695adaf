import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';
import { type ScheduledJob, scheduledJobColumns } from './scheduled-job.js';

export interface ClaimJobInput {
  agentId: string;
  /** The agent's labels: it may take jobs whose runs_on are all among them. */
  labels: readonly string[];
  /** How long the lease lasts without a heartbeat (extendLease). */
  leaseMs: number;
}

/** Where the claimed job's run comes from: what an agent needs besides the plan, read with the claim. */
export interface JobPlacement {
  projectId: number;
  repoUrl: string | null;
  commitSha: string | null;
  /** Bytes of log the job already has (an earlier attempt's): the agent appends after them. */
  logLength: number;
  /** The project has secrets (decrypting them is the dispatcher's business). */
  hasSecrets: boolean;
}

export interface ClaimedJob {
  job: ScheduledJob;
  placement: JobPlacement;
  /** Present it with every heartbeat and with the report; a newer claim of the job makes it stale. */
  fencingToken: number;
  leaseExpiresAt: Date;
}

/**
 * Takes the best job this agent can run, or returns undefined: queued, ready (ready_at <= now),
 * runs_on a subset of the agent's labels, highest priority first, then longest ready, then oldest.
 * A job of a concurrency group qualifies only when no job of the group runs and no older one of it is
 * queued (the group's head; a head in backoff or needing other labels holds the group back, keeping
 * its order).
 *
 * One statement. FOR UPDATE SKIP LOCKED makes concurrent claimers pass over a job another claimer is
 * taking instead of waiting for it, so each job is claimed once and claimers never queue behind each
 * other. Group exclusion needs no extra lock: only the group's head qualifies, and the head is one row,
 * which one claimer locks; a claimer whose snapshot predates that commit still sees the head queued and
 * so no later job of the group as head. The run's status moves to running under SKIP LOCKED too: when
 * a canceller holds the run, the claim does not wait (the canceller waits on the claimed job instead,
 * and lists it as running once the claim commits). The job's placement (project, repository, commit,
 * log length, whether it has secrets) comes back in the same statement: dispatch latency counts round
 * trips.
 */
export async function claimJob(db: Db, clock: Clock, input: ClaimJobInput): Promise<ClaimedJob | undefined> {
  if (!Number.isFinite(input.leaseMs) || input.leaseMs <= 0) {
    throw new AppError(ErrorCode.invalidArgument, `leaseMs must be a positive number of milliseconds, got ${input.leaseMs}`);
  }
  const nowMs = clock.now();
  const now = new Date(nowMs);
  const leaseExpiresAt = new Date(nowMs + input.leaseMs);
  const { rows } = await db.query<ScheduledJob & JobPlacement>(
    `WITH candidate AS (
       SELECT j.id AS candidate_id
       FROM jobs j
       WHERE j.status = 'queued' AND j.ready_at <= $1 AND j.runs_on <@ $2::text[]
         AND (j.concurrency_group IS NULL OR (
           NOT EXISTS (SELECT 1 FROM jobs g WHERE g.concurrency_group = j.concurrency_group AND g.status = 'running')
           AND NOT EXISTS (
             SELECT 1 FROM jobs g WHERE g.concurrency_group = j.concurrency_group AND g.status = 'queued' AND g.id < j.id)))
       ORDER BY j.priority DESC, j.ready_at, j.id
       LIMIT 1
       FOR UPDATE OF j SKIP LOCKED
     ), claimed AS (
       UPDATE jobs
       SET status = 'running', attempt = attempt + 1, fencing_token = fencing_token + 1, lease_owner = $3,
           lease_expires_at = $4, started_at = $1, finished_at = NULL, failure = NULL
       FROM candidate
       WHERE jobs.id = candidate.candidate_id
       RETURNING ${scheduledJobColumns}
     ), started_run AS (
       UPDATE runs SET status = 'running', started_at = $1
       WHERE id = (
         SELECT r.id FROM runs r JOIN claimed c ON r.id = c."runId" WHERE r.status = 'queued'
         FOR NO KEY UPDATE OF r SKIP LOCKED)
     )
     SELECT c.*, p.id AS "projectId", p.repo_url AS "repoUrl", r.commit_sha AS "commitSha",
       coalesce((SELECT l.length FROM job_logs l WHERE l.job_id = c.id), 0) AS "logLength",
       EXISTS (SELECT 1 FROM secrets s WHERE s.project_id = p.id) AS "hasSecrets"
     FROM claimed c JOIN runs r ON r.id = c."runId" JOIN projects p ON p.id = r.project_id`,
    [now, input.labels, input.agentId, leaseExpiresAt],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { projectId, repoUrl, commitSha, logLength, hasSecrets, ...job } = row;
  return {
    job,
    placement: { projectId: Number(projectId), repoUrl, commitSha, logLength: Number(logLength), hasSecrets },
    fencingToken: job.fencingToken,
    leaseExpiresAt,
  };
}
