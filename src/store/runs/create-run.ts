import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../db.js';
import {
  assembleRunDetail,
  type Job,
  jobColumns,
  type Run,
  type RunDetail,
  type RunTrigger,
  runColumns,
  type Step,
  stepColumns,
} from './run.js';

export interface NewJob {
  /** The plan's job id, unique within the run. */
  key: string;
  stage: string;
  /** Keys of jobs of this run that must finish first. */
  needs?: string[];
  /** Step names in order. */
  steps?: string[];
  /** What the scheduler hands an agent (migration 0004); omitted: the job has no plan. */
  schedule?: NewJobSchedule;
}

/** The scheduler's columns of a new job. */
export interface NewJobSchedule {
  /** The PlannedJob, stored as jsonb. */
  plan: unknown;
  runsOn: string[];
  maxAttempts: number;
  timeoutMs: number | null;
  /** Claimable at once (no needs, no gate); otherwise pending. */
  queued: boolean;
  /**
   * Starts the job at once on this agent instead of queueing it (a dispatcher's hand-off): running,
   * first attempt, fencing token 1. Only for a job that would be queued. The run starts running too.
   */
  lease?: { agentId: string; expiresAt: Date };
  priority: number;
  concurrencyGroup: string | null;
  cancelInProgress: boolean;
  readyAt: Date;
}

export interface CreateRunInput {
  projectId: number;
  ref: string;
  commitSha?: string;
  trigger: RunTrigger;
  pipelineName: string;
  /** Who made the change (webhook sender, a manual run's actor); omitted or null when unknown. */
  author?: string | null;
  /** In plan order (every job after its needs); getRun returns them in this order. */
  jobs: NewJob[];
}

/**
 * Inserts a queued run with its pending jobs and steps in one transaction, numbered next for its
 * project. Concurrent calls for one project wait for each other on the project row, so numbers are
 * consecutive and unique; a failed call gives its number back.
 */
export async function createRun(db: Db, input: CreateRunInput): Promise<RunDetail> {
  checkNewJobs(input.jobs);
  return db.transaction(async (tx) => {
    // The run's number and the run in one statement; the jobs and their steps in another: each
    // statement counts in dispatch latency (a job is ready only once this transaction commits).
    const startedAt = input.jobs.find((job) => job.schedule?.lease && job.schedule.queued)?.schedule?.readyAt ?? null;
    const run = (
      await tx.query<Run>(
        `WITH counter AS (
           UPDATE projects SET last_run_number = last_run_number + 1 WHERE id = $1 RETURNING last_run_number)
         INSERT INTO runs (project_id, number, ref, commit_sha, trigger, pipeline_name, author, status, started_at)
         SELECT $1, counter.last_run_number, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::timestamptz
         FROM counter
         RETURNING ${runColumns}`,
        [
          input.projectId,
          input.ref,
          input.commitSha ?? null,
          input.trigger,
          input.pipelineName,
          input.author ?? null,
          startedAt ? 'running' : 'queued',
          startedAt,
        ],
      )
    ).rows[0];
    if (!run) throw new AppError(ErrorCode.notFound, `project ${input.projectId} does not exist: create it first (ensureProject)`);
    // One statement whatever the number of jobs: the plan travels as one jsonb parameter. A job
    // without a schedule gets the columns' defaults (no plan, pending).
    const stepRows = input.jobs.flatMap((job) => (job.steps ?? []).map((name, idx) => ({ job_key: job.key, idx, name })));
    const jobs = await tx.query<Job & { steps: Step[] }>(
      `WITH new_jobs AS (
         INSERT INTO jobs (run_id, job_key, stage, needs, status, plan, runs_on, max_attempts, timeout_ms, priority,
           concurrency_group, cancel_in_progress, ready_at, lease_owner, lease_expires_at, attempt, fencing_token, started_at)
         SELECT $1, j.job_key, j.stage, j.needs,
           CASE WHEN j.lease_owner IS NOT NULL THEN 'running' WHEN j.queued THEN 'queued' ELSE 'pending' END, j.plan,
           coalesce(j.runs_on, '{}'), coalesce(j.max_attempts, 1), j.timeout_ms, coalesce(j.priority, 0),
           j.concurrency_group, coalesce(j.cancel_in_progress, false), coalesce(j.ready_at, now()),
           j.lease_owner, j.lease_expires_at, CASE WHEN j.lease_owner IS NULL THEN 0 ELSE 1 END,
           CASE WHEN j.lease_owner IS NULL THEN 0 ELSE 1 END, CASE WHEN j.lease_owner IS NULL THEN NULL ELSE j.ready_at END
         FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (job_key text, stage text, needs text[], queued boolean, plan jsonb,
             runs_on text[], max_attempts integer, timeout_ms integer, priority integer, concurrency_group text,
             cancel_in_progress boolean, ready_at timestamptz, lease_owner text, lease_expires_at timestamptz))
           WITH ORDINALITY AS j (job_key, stage, needs, queued, plan, runs_on, max_attempts, timeout_ms, priority,
             concurrency_group, cancel_in_progress, ready_at, lease_owner, lease_expires_at, ord)
         ORDER BY j.ord
         RETURNING *
       ), new_steps AS (
         INSERT INTO steps (job_id, idx, name)
         SELECT new_jobs.id, s.idx, s.name
         FROM jsonb_to_recordset($3::jsonb) AS s (job_key text, idx integer, name text)
         JOIN new_jobs ON new_jobs.job_key = s.job_key
         RETURNING ${stepColumns}
       )
       SELECT ${jobColumns},
         coalesce((SELECT json_agg(new_steps ORDER BY new_steps.idx) FROM new_steps WHERE new_steps."jobId" = new_jobs.id), '[]'::json) AS steps
       FROM new_jobs
       ORDER BY id`,
      [run.id, JSON.stringify(input.jobs.map(jobRecord)), JSON.stringify(stepRows)],
    );
    // Ids follow the insert order above, so id order is plan order.
    const sortedJobs = jobs.rows.map(({ steps: _steps, ...job }) => job);
    const sortedSteps = jobs.rows.flatMap((job) => job.steps.map((step) => ({ ...step, jobId: Number(step.jobId) })));
    return assembleRunDetail(run, sortedJobs, sortedSteps);
  });
}

function jobRecord(job: NewJob): Record<string, unknown> {
  const record: Record<string, unknown> = { job_key: job.key, stage: job.stage, needs: job.needs ?? [] };
  const schedule = job.schedule;
  if (!schedule) return record;
  return {
    ...record,
    queued: schedule.queued,
    plan: schedule.plan,
    runs_on: schedule.runsOn,
    max_attempts: schedule.maxAttempts,
    timeout_ms: schedule.timeoutMs,
    priority: schedule.priority,
    concurrency_group: schedule.concurrencyGroup,
    cancel_in_progress: schedule.cancelInProgress,
    ready_at: schedule.readyAt.toISOString(),
    ...(schedule.lease && schedule.queued
      ? { lease_owner: schedule.lease.agentId, lease_expires_at: schedule.lease.expiresAt.toISOString() }
      : {}),
  };
}

/** The store's own invariants on a plan; the pipeline validator reports user errors long before. */
function checkNewJobs(jobs: readonly NewJob[]): void {
  if (jobs.length === 0) throw new AppError(ErrorCode.invalidArgument, 'a run needs at least one job');
  const keys = new Set<string>();
  for (const job of jobs) {
    if (keys.has(job.key)) throw new AppError(ErrorCode.invalidArgument, `job key ${JSON.stringify(job.key)} appears twice in the run`);
    keys.add(job.key);
  }
  for (const job of jobs) {
    for (const need of job.needs ?? []) {
      if (!keys.has(need)) {
        throw new AppError(
          ErrorCode.invalidArgument,
          `job ${JSON.stringify(job.key)} needs ${JSON.stringify(need)}, which is not a job of this run`,
        );
      }
    }
  }
}
