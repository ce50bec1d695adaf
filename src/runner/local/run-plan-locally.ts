import { keepsArtifacts } from '../../pipeline/keeps-artifacts.js';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Clock, systemClock } from '../../clock/clock.js';
import type { Plan, PlannedJob } from '../../pipeline/model.js';
import type { ActionRegistry } from '../actions/action.js';
import { createBuiltInActions } from '../actions/built-in-actions.js';
import { type ExecutorEvent, executeJob } from '../execute-job.js';
import { createFailure } from '../failure.js';
import type { JobResult } from '../job-result.js';
import { detectSandbox } from '../sandbox/detect-sandbox.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { createWorkspaceFactory, type WorkspaceFactory } from '../workspace/prepare-workspace.js';
import { createLocalArtifacts, type LocalArtifacts } from './local-artifacts.js';
import { createLocalCaches, type LocalCaches } from './local-caches.js';
import { decideReadyJobs } from './decide-ready-jobs.js';
import { type JobOutcomeStatus, type JobSummary, type RunSummary, summarizeRunStatus } from './run-summary.js';

export type RunEvent =
  | ExecutorEvent
  | { type: 'job-started'; jobId: string; attempt: number; workspaceDir: string }
  | { type: 'job-finished'; job: JobSummary }
  /** Something the user should see once per run (e.g. steps are not sandboxed). */
  | { type: 'notice'; message: string };

export interface LocalRunOptions {
  /** The repository (or plain directory) whose files every job starts with. */
  repoDir: string;
  /** The environment steps start from; the CLI passes its process environment. */
  env: Record<string, string | undefined>;
  /** Default `<repoDir>/.slipway/runs/<runId>`. */
  runDir?: string;
  /** Default: UTC time of the start plus a random suffix, e.g. `20250102T030405Z-3fa2`. */
  runId?: string;
  /** Jobs running at once. Default os.availableParallelism(). */
  maxParallel?: number;
  /** Aborting cancels the run: running jobs' processes are killed, the rest are canceled. */
  signal?: AbortSignal;
  onEvent?(event: RunEvent): void;
  /** Default systemClock; used for durations and the default run id. */
  clock?: Clock;
  /** Default: bubblewrap when it works here, else none (with a notice). */
  sandbox?: Sandbox;
  /** Between SIGTERM and SIGKILL of a step's process group. Default 5000. */
  killGraceMs?: number;
  actions?: ActionRegistry;
}

/**
 * The `slipway run` driver: an in-process scheduler over the plan's job DAG that hands each job
 * to executeJob in a fresh workspace — the same executor a build agent drives.
 */
export async function runPlanLocally(plan: Plan, options: LocalRunOptions): Promise<RunSummary> {
  const clock = options.clock ?? systemClock;
  const startedMs = clock.now();
  const emit = options.onEvent ?? (() => {});
  const repoDir = path.resolve(options.repoDir);
  const runId = options.runId ?? createRunId(startedMs);
  const runDir = path.resolve(options.runDir ?? path.join(repoDir, '.slipway', 'runs', runId));
  const maxParallel = Math.max(1, options.maxParallel ?? os.availableParallelism());
  const cancel = new AbortController();
  const onAbort = () => cancel.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) cancel.abort();

  await mkdir(runDir, { recursive: true });
  const sandbox = options.sandbox ?? (await detectAndNotify(options.env['PATH'], runDir, emit));
  const runner: JobRunner = {
    repoDir,
    workspaces: createWorkspaceFactory({ repoDir, runDir }),
    artifacts: createLocalArtifacts(runDir),
    caches: createLocalCaches(path.join(repoDir, '.slipway', 'cache')),
    sandbox,
    actions: options.actions ?? createBuiltInActions(),
    options,
    clock,
    emit,
    signal: cancel.signal,
  };

  const summaries = new Map<string, JobSummary>();
  const outcomes = new Map<string, JobOutcomeStatus>();
  const running = new Map<string, Promise<void>>();
  const finish = (summary: JobSummary) => {
    summaries.set(summary.id, summary);
    outcomes.set(summary.id, summary.status);
    emit({ type: 'job-finished', job: summary });
  };

  try {
    while (!cancel.signal.aborted && outcomes.size < plan.jobs.length) {
      const ready = decideReadyJobs(plan, outcomes, new Set(running.keys()));
      for (const job of ready.skip) finish(notRun(job, 'skipped'));
      for (const job of ready.start.slice(0, maxParallel - running.size)) {
        running.set(
          job.id,
          runJob(job, runner).then((summary) => {
            running.delete(job.id);
            finish(summary);
          }),
        );
      }
      if (running.size > 0) await Promise.race(running.values());
      else if (ready.skip.length === 0) break;
    }
    await Promise.all(running.values());
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }

  for (const job of plan.jobs) {
    // Canceled before starting, or unreachable (a need that is not in the plan).
    if (!summaries.has(job.id)) finish(notRun(job, cancel.signal.aborted ? 'canceled' : 'skipped'));
  }
  const jobs = plan.jobs.map((job) => summaries.get(job.id)!);
  return { status: summarizeRunStatus(jobs, cancel.signal.aborted), durationMs: clock.now() - startedMs, jobs };
}

interface JobRunner {
  repoDir: string;
  workspaces: WorkspaceFactory;
  artifacts: LocalArtifacts;
  caches: LocalCaches;
  sandbox: Sandbox;
  actions: ActionRegistry;
  options: LocalRunOptions;
  clock: Clock;
  emit(event: RunEvent): void;
  signal: AbortSignal;
}

/** All attempts of one job; job-level retry gives each attempt a fresh workspace. */
async function runJob(job: PlannedJob, runner: JobRunner): Promise<JobSummary> {
  const startedMs = runner.clock.now();
  let result: JobResult | undefined;
  let workspaceDir: string | undefined;
  let attempts = 0;
  const log = (line: string) =>
    runner.emit({ type: 'output', jobId: job.id, step: 'artifacts', stepIndex: -1, stream: 'system', text: `${line}\n` });
  while (attempts <= job.retry) {
    attempts += 1;
    try {
      workspaceDir = await runner.workspaces.prepare(job.id);
    } catch (error) {
      const message = `could not prepare a workspace for job '${job.id}': ${(error as Error).message}`;
      result = { status: 'failed', failure: createFailure('infra', message), durationMs: 0, steps: [] };
      continue;
    }
    runner.emit({ type: 'job-started', jobId: job.id, attempt: attempts, workspaceDir });
    try {
      const dir = workspaceDir;
      result = await executeJob(job, {
        workspaceDir,
        beforeWork: async () => (await runner.artifacts.restore(job, dir, log)) ?? runner.caches.restore(job, dir, log),
        sandbox: runner.sandbox,
        env: runner.options.env,
        clock: runner.clock,
        signal: runner.signal,
        onEvent: runner.emit,
        actions: runner.actions,
        sourceRepoDir: runner.repoDir,
        killGraceMs: runner.options.killGraceMs,
      });
    } catch (error) {
      // executeJob reports failures as data; reaching here is a runner bug, not the user's.
      const message = `runner error in job '${job.id}': ${(error as Error).message}`;
      result = { status: 'failed', failure: createFailure('infra', message), durationMs: 0, steps: [] };
    }
    if (job.artifacts && result.status !== 'canceled' && keepsArtifacts(job.artifacts, result.status === 'succeeded')) {
      const failure = await runner.artifacts.keep(job, workspaceDir, log);
      if (failure && result.status === 'succeeded') result = { ...result, status: 'failed', failure };
    }
    if (result.status === 'succeeded') await runner.caches.save(job, workspaceDir, log);
    if (result.status !== 'failed' || runner.signal.aborted) break;
  }
  const summary: JobSummary = {
    id: job.id,
    status: result!.status,
    durationMs: runner.clock.now() - startedMs,
    attempts,
    continueOnError: job.continueOnError,
  };
  if (result!.failure) summary.failure = result!.failure;
  if (workspaceDir) summary.workspaceDir = workspaceDir;
  return summary;
}

function notRun(job: PlannedJob, status: 'skipped' | 'canceled'): JobSummary {
  return { id: job.id, status, durationMs: 0, attempts: 0, continueOnError: job.continueOnError };
}

async function detectAndNotify(
  searchPath: string | undefined,
  probeDir: string,
  emit: (event: RunEvent) => void,
): Promise<Sandbox> {
  const detected = await detectSandbox({ searchPath, probeDir });
  if (detected.notice) emit({ type: 'notice', message: detected.notice });
  return detected.sandbox;
}

function createRunId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
