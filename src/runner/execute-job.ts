import type { Clock } from '../clock/clock.js';
import type { PlannedJob } from '../pipeline/model.js';
import type { ActionRegistry, CheckoutSource } from './actions/action.js';
import { createBuiltInActions } from './actions/built-in-actions.js';
import type { WaitForApproval } from './approval-step.js';
import { createFailure, type Failure } from './failure.js';
import type { JobResult, StepResult } from './job-result.js';
import { runStepAttempt, type StepAttemptOutcome } from './run-step.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { resolveShell } from './shell.js';
import type { WarmStart } from './warm-start.js';

export type OutputSource = 'stdout' | 'stderr' | 'system';

/** What the executor reports while a job runs; a driver forwards these to a terminal or a server. */
export type ExecutorEvent =
  | { type: 'step-started'; jobId: string; step: string; stepIndex: number; attempt: number }
  | { type: 'step-finished'; jobId: string; step: StepResult }
  /** `text` is one or more whole lines, each ending in `\n`. */
  | { type: 'output'; jobId: string; step: string; stepIndex: number; stream: OutputSource; text: string };

export interface ExecuteJobContext {
  /** A fresh directory holding the job's files (see prepareWorkspace). */
  workspaceDir: string;
  sandbox: Sandbox;
  /** The environment steps start from (the runner's own, usually process.env via config). */
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Cancels the job: every process group it started is killed. */
  signal?: AbortSignal;
  onEvent?(event: ExecutorEvent): void;
  /** Default: the built-in actions. */
  actions?: ActionRegistry;
  /** Where `git-checkout` gets the repository; default none (the action then fails). */
  source?: CheckoutSource;
  /** Shorthand for `source: {kind: 'local', repoDir}`; ignored when source is given. */
  sourceRepoDir?: string;
  /** Between SIGTERM and SIGKILL of a step's process group. Default 5000. */
  killGraceMs?: number;
  /**
   * Runs once, right before the first step that is not a `git-checkout` (so the sources are already
   * there): an agent downloads the artifacts of needed jobs and restores caches here. A failure it
   * returns fails the job and its remaining steps are skipped.
   */
  beforeWork?: () => Promise<Failure | undefined>;
  /** Passes `- approval:` steps (the agent asks its server); without it they fail. */
  waitForApproval?: WaitForApproval;
  /** A step process started ahead in workspaceDir (see warm-start.ts); the first script step that fits uses it. */
  warmStart?: WarmStart;
}

const defaultKillGraceMs = 5000;

/**
 * Runs one job attempt's steps in order in its workspace. Knows nothing about other jobs,
 * schedulers or terminals, so the local driver and a build agent can both call it.
 */
export async function executeJob(job: PlannedJob, ctx: ExecuteJobContext): Promise<JobResult> {
  const startedMs = ctx.clock.now();
  const emit = ctx.onEvent ?? (() => {});
  const shell = await resolveShell(ctx.env['PATH']);
  const actions = ctx.actions ?? createBuiltInActions();
  const source: CheckoutSource | undefined =
    ctx.source ?? (ctx.sourceRepoDir === undefined ? undefined : { kind: 'local', repoDir: ctx.sourceRepoDir });

  const jobAbort = new AbortController();
  let jobTimedOut = false;
  const onCancel = () => jobAbort.abort();
  ctx.signal?.addEventListener('abort', onCancel, { once: true });
  if (ctx.signal?.aborted) jobAbort.abort();
  const jobTimer =
    job.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          jobTimedOut = true;
          jobAbort.abort();
        }, job.timeoutMs);

  const steps: StepResult[] = [];
  let jobFailure: Failure | undefined;
  let canceled = false;
  let workPrepared = ctx.beforeWork === undefined;
  try {
    for (const step of job.steps) {
      // Not before an approval step: a job may wait a day there, and what it downloads may be stale by then.
      if (!workPrepared && !jobFailure && !canceled && step.uses !== 'git-checkout' && step.approval === undefined) {
        workPrepared = true;
        jobFailure = await ctx.beforeWork?.();
        if (jobAbort.signal.aborted && !jobTimedOut) canceled = true;
      }
      if (jobFailure || canceled) {
        steps.push({ index: step.index, name: step.name, status: 'skipped', exitCode: null, durationMs: 0, attempts: 0 });
        continue;
      }
      const stepStartedMs = ctx.clock.now();
      const output = (stream: OutputSource, text: string) =>
        emit({ type: 'output', jobId: job.id, step: step.name, stepIndex: step.index, stream, text });
      let outcome: StepAttemptOutcome | undefined;
      let attempts = 0;
      while (attempts <= step.retry) {
        attempts += 1;
        if (attempts > 1) {
          output('system', `${outcome?.failure?.message ?? 'step failed'}; retrying (attempt ${attempts} of ${step.retry + 1})\n`);
        }
        emit({ type: 'step-started', jobId: job.id, step: step.name, stepIndex: step.index, attempt: attempts });
        outcome = await runStepAttempt({
          job,
          step,
          workspaceDir: ctx.workspaceDir,
          source,
          sandbox: ctx.sandbox,
          shell,
          baseEnv: ctx.env,
          actions,
          signal: jobAbort.signal,
          killGraceMs: ctx.killGraceMs ?? defaultKillGraceMs,
          onOutput: output,
          ...(ctx.waitForApproval === undefined ? {} : { waitForApproval: ctx.waitForApproval }),
          ...(ctx.warmStart === undefined ? {} : { warmStart: ctx.warmStart }),
        });
        if (outcome.status === 'succeeded' || outcome.status === 'canceled') break;
      }
      const final = outcome!;
      const result: StepResult = {
        index: step.index,
        name: step.name,
        status: final.status,
        exitCode: final.exitCode,
        durationMs: ctx.clock.now() - stepStartedMs,
        attempts,
      };
      if (final.status === 'canceled') {
        result.failure = jobTimedOut
          ? createFailure('timeout', `job '${job.id}' timed out after ${job.timeoutMs} ms`)
          : createFailure('canceled', `job '${job.id}' was canceled`);
        if (jobTimedOut) {
          output('system', `job timed out after ${job.timeoutMs} ms; its processes were killed\n`);
          jobFailure = result.failure;
        } else {
          canceled = true;
        }
      } else if (final.failure) {
        result.failure = final.failure;
        if (step.continueOnError) output('system', `${final.failure.message}; continuing (continue-on-error)\n`);
        else jobFailure = final.failure;
      }
      steps.push(result);
      emit({ type: 'step-finished', jobId: job.id, step: result });
    }
  } finally {
    if (jobTimer) clearTimeout(jobTimer);
    ctx.signal?.removeEventListener('abort', onCancel);
  }

  const durationMs = ctx.clock.now() - startedMs;
  if (canceled) {
    return { status: 'canceled', failure: createFailure('canceled', `job '${job.id}' was canceled`), durationMs, steps };
  }
  if (jobFailure) return { status: 'failed', failure: jobFailure, durationMs, steps };
  return { status: 'succeeded', durationMs, steps };
}
