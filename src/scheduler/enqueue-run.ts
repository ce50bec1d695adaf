import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Plan, PlannedJob } from '../pipeline/model.js';
import { createRun, type Db, getRun, type RunDetail, type RunTrigger } from '../store/index.js';
import { type CanceledRun, cancelRunJobs } from './cancel-run-jobs.js';
import { completeRun } from './complete-run.js';
import { lockRun } from './lock-run.js';
import { promoteDependants } from './promote-dependants.js';

export interface ConcurrencyOptions {
  /**
   * At most one job of the group runs at a time, across runs; queued jobs of the group start in the
   * order they were created. Names are global: callers scope them (e.g. `project/deploy-prod`).
   */
  group: string;
  /** Cancel the group's older unfinished runs when this one is enqueued. Default false. */
  cancelInProgress?: boolean;
}

export interface EnqueueRunInput {
  projectId: number;
  ref: string;
  commitSha?: string;
  trigger: RunTrigger;
  /**
   * Who made the change (webhook sender, a manual run's actor); null or omitted when unknown. Gates
   * never let the author approve their own change.
   */
  author?: string | null;
  plan: Plan;
  /** Higher is claimed first. Default 0. */
  priority?: number;
  concurrency?: ConcurrencyOptions;
  /**
   * Attempts allowed per job for retryable failures (infra, timeout), the first included; a job whose
   * plan asks for more retries gets retry + 1. Default 3.
   */
  maxAttempts?: number;
  /**
   * Jobs to start at once on an agent instead of queueing them (a dispatcher that has an idle agent
   * for them): job key → agent and lease. Only a job that would be queued right away is handed off;
   * the others are queued or wait as usual. The dispatcher sends handed-off jobs once the run commits.
   */
  handOff?: ReadonlyMap<string, { agentId: string; leaseMs: number }>;
  /** Runs in the enqueue's transaction, after the run is created: what must commit with it (its audit entry). */
  inTransaction?: (tx: Db, run: RunDetail) => Promise<void>;
}

/** A job the enqueue started on an agent (handOff), with what its assignment needs. */
export interface HandedOffJob {
  jobId: number;
  jobKey: string;
  agentId: string;
  plan: PlannedJob;
  fencingToken: number;
  leaseMs: number;
  readyAt: Date;
}

export interface EnqueuedRun {
  run: RunDetail;
  /** The jobs started on agents at once (handOff); the caller sends them after the commit. */
  handedOff: HandedOffJob[];
  /** Older runs of the concurrency group this one canceled (cancelInProgress). */
  canceledRuns: CanceledRun[];
}

export const defaultMaxAttempts = 3;

/**
 * Creates the run and its jobs from the plan in one transaction: jobs without needs queued, the
 * others pending until their needs finish; a job with an environment the project protects waits at
 * its gate first (promoteDependants). With cancelInProgress, the group's older unfinished runs
 * are canceled in the same transaction; their running jobs keep the group busy until they stop.
 */
export async function enqueueRun(db: Db, clock: Clock, input: EnqueueRunInput): Promise<EnqueuedRun> {
  const maxAttempts = input.maxAttempts ?? defaultMaxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new AppError(ErrorCode.invalidArgument, `maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const group = input.concurrency?.group;
  if (group !== undefined && group.trim() === '') {
    throw new AppError(ErrorCode.invalidArgument, 'a concurrency group needs a non-empty name');
  }
  const now = new Date(clock.now());
  // A concurrency group's order is the claim's business: its jobs are never handed off.
  const handOff = group === undefined ? input.handOff : undefined;
  const leaseFor = (job: PlannedJob) => {
    const lease = handOff?.get(job.id);
    return lease ? { lease: { agentId: lease.agentId, expiresAt: new Date(now.getTime() + lease.leaseMs) } } : {};
  };
  return db.transaction(async (tx) => {
    // One insert per table, scheduling columns included: ready_at to commit is what dispatch latency
    // counts from, so the fewer statements the better.
    const created = await createRun(tx, {
      projectId: input.projectId,
      ref: input.ref,
      commitSha: input.commitSha,
      trigger: input.trigger,
      pipelineName: input.plan.name,
      author: input.author || null,
      jobs: input.plan.jobs.map((job) => ({
        key: job.id,
        stage: job.stage,
        needs: job.needs,
        steps: job.steps.map((step) => step.name),
        schedule: {
          plan: job,
          runsOn: job.runsOn,
          maxAttempts: Math.max(maxAttempts, job.retry + 1),
          timeoutMs: job.timeoutMs ?? null,
          // Jobs with an environment start at their gate (below), like promoted ones.
          queued: job.needs.length === 0 && job.environment === undefined,
          priority: input.priority ?? 0,
          concurrencyGroup: group ?? null,
          cancelInProgress: input.concurrency?.cancelInProgress ?? false,
          readyAt: now,
          ...leaseFor(job),
        },
      })),
    });
    let run: RunDetail = created;
    if (input.plan.jobs.some((job) => job.needs.length === 0 && job.environment !== undefined)) {
      // Jobs without needs but with an environment start at their gate, like promoted ones.
      const locked = (await lockRun(tx, created.id))!;
      const promotions = await promoteDependants(tx, created.id, now);
      if (promotions.refused.length > 0) await completeRun(tx, locked, now);
      run = (await getRun(tx, created.id))!;
    }
    const canceledRuns: CanceledRun[] = [];
    if (group !== undefined && input.concurrency?.cancelInProgress) {
      const older = await tx.query<{ runId: number }>(
        `SELECT DISTINCT run_id AS "runId" FROM jobs
         WHERE concurrency_group = $1 AND run_id < $2 AND status IN ('pending', 'queued', 'running')
         ORDER BY run_id`,
        [group, created.id],
      );
      // In id order, so two runs enqueued at once lock the older runs in the same order.
      for (const { runId } of older.rows) {
        const run = await lockRun(tx, runId);
        if (run) canceledRuns.push(await cancelRunJobs(tx, run, now));
      }
    }
    await input.inTransaction?.(tx, run);
    const handedOff: HandedOffJob[] = [];
    for (const job of run.jobs) {
      const lease = handOff?.get(job.jobKey);
      const plan = input.plan.jobs.find((planned) => planned.id === job.jobKey);
      if (!lease || !plan || job.status !== 'running') continue;
      handedOff.push({ jobId: job.id, jobKey: job.jobKey, agentId: lease.agentId, plan, fencingToken: 1, leaseMs: lease.leaseMs, readyAt: now });
    }
    return { run, handedOff, canceledRuns };
  });
}
