import type { ApprovalSpec, PlannedJob, PlannedStep } from '../pipeline/model.js';
import type { ActionContext, ActionRegistry, CheckoutSource, ExecResult } from './actions/action.js';
import { describeApprovalNeedsServer, type WaitForApproval } from './approval-step.js';
import { createFailure, type Failure } from './failure.js';
import { resolveWorkingDirectory } from './resolve-working-directory.js';
import { type OutputStream, runProcess, superviseProcess } from './run-process.js';
import { createNoSandbox } from './sandbox/none.js';
import type { Sandbox, SandboxCommand } from './sandbox/sandbox.js';
import type { ShellPrefix } from './shell.js';
import { buildStepEnv } from './step-env.js';
import type { WarmStart } from './warm-start.js';

export interface StepAttemptContext {
  job: PlannedJob;
  step: PlannedStep;
  workspaceDir: string;
  source?: CheckoutSource;
  sandbox: Sandbox;
  shell: ShellPrefix;
  baseEnv: Record<string, string | undefined>;
  actions: ActionRegistry;
  /** Aborted when the job is canceled or runs out of time. */
  signal: AbortSignal;
  killGraceMs: number;
  onOutput(stream: OutputStream | 'system', text: string): void;
  /** Passes `- approval:` steps; without it (`slipway run`) they fail: approvals need a server. */
  waitForApproval?: WaitForApproval;
  /** A step process waiting in this workspace (an agent's); the first script step that fits takes it. */
  warmStart?: WarmStart;
}

export type StepAttemptStatus = 'succeeded' | 'failed' | 'timed-out' | 'canceled';

export interface StepAttemptOutcome {
  status: StepAttemptStatus;
  exitCode: number | null;
  failure?: Failure;
}

const stderrTailChars = 4096;
const trustedHelpers = createNoSandbox();

/** One attempt of one step: a sandboxed shell script, a built-in action, or a wait for approvals. */
export async function runStepAttempt(ctx: StepAttemptContext): Promise<StepAttemptOutcome> {
  const { step } = ctx;
  if (step.approval !== undefined) return runApprovalStep(ctx, step.approval);
  const cwd = await resolveWorkingDirectory(ctx.workspaceDir, step.workingDirectory ?? ctx.job.workingDirectory);
  if (!cwd.ok) return failed(createFailure('user', cwd.message));

  const attempt = new AbortController();
  let timedOut = false;
  const onJobAbort = () => attempt.abort();
  ctx.signal.addEventListener('abort', onJobAbort, { once: true });
  if (ctx.signal.aborted) attempt.abort();
  const timer =
    step.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          attempt.abort();
        }, step.timeoutMs);
  try {
    const outcome =
      step.run !== undefined
        ? await runScript(ctx, step.run, cwd.dir, attempt.signal)
        : await runAction(ctx, cwd.dir, attempt.signal);
    if (ctx.signal.aborted) return { status: 'canceled', exitCode: outcome.exitCode };
    if (timedOut) {
      ctx.onOutput('system', `step timed out after ${step.timeoutMs} ms; its processes were killed\n`);
      return {
        status: 'timed-out',
        exitCode: outcome.exitCode,
        failure: createFailure('timeout', `step '${step.name}' timed out after ${step.timeoutMs} ms`),
      };
    }
    return outcome;
  } finally {
    if (timer) clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onJobAbort);
  }
}

async function runScript(
  ctx: StepAttemptContext,
  script: string,
  cwd: string,
  signal: AbortSignal,
): Promise<StepAttemptOutcome> {
  const command: SandboxCommand = {
    argv: [...ctx.shell, script],
    cwd,
    env: buildStepEnv(ctx.baseEnv, ctx.job, ctx.step, ctx.workspaceDir),
    workspaceDir: ctx.workspaceDir,
    network: ctx.step.network,
  };
  const options = { signal, killGraceMs: ctx.killGraceMs, onOutput: ctx.onOutput };
  const warm = signal.aborted ? undefined : ctx.warmStart?.take(command);
  const outcome = warm ? await superviseProcess(warm, options) : await runProcess(ctx.sandbox.wrap(command), options);
  if (outcome.ending === 'spawn-failed') {
    return failed(createFailure('infra', `could not start step '${ctx.step.name}': ${outcome.error}`));
  }
  if (outcome.exitCode === 0) return { status: 'succeeded', exitCode: 0 };
  const why = outcome.exitCode === null ? `was killed by ${outcome.exitSignal}` : `exited with code ${outcome.exitCode}`;
  return {
    status: 'failed',
    exitCode: outcome.exitCode,
    failure: createFailure('user', `step '${ctx.step.name}' ${why}`),
  };
}

async function runAction(ctx: StepAttemptContext, cwd: string, signal: AbortSignal): Promise<StepAttemptOutcome> {
  const name = ctx.step.uses;
  if (name === undefined) {
    return failed(createFailure('user', `step '${ctx.step.name}' has neither 'run' nor 'uses'`));
  }
  const action = ctx.actions.resolve(name);
  if (!action) {
    const known = ctx.actions.names().join(', ') || '(none)';
    return failed(createFailure('user', `step '${ctx.step.name}' uses unknown action '${name}'; known actions: ${known}`));
  }
  const env = buildStepEnv(ctx.baseEnv, ctx.job, ctx.step, ctx.workspaceDir);
  const actionContext: ActionContext = {
    jobId: ctx.job.id,
    step: ctx.step,
    workspaceDir: ctx.workspaceDir,
    source: ctx.source,
    env,
    signal,
    log: (line) => ctx.onOutput('system', `${line}\n`),
    exec: async (argv, options): Promise<ExecResult> => {
      let stderrTail = '';
      const outcome = await runProcess(
        trustedHelpers.wrap({ argv, cwd: options?.cwd ?? cwd, env, workspaceDir: ctx.workspaceDir, network: true }),
        {
          signal,
          killGraceMs: ctx.killGraceMs,
          onOutput: (stream, text) => {
            if (stream === 'stderr') stderrTail = (stderrTail + text).slice(-stderrTailChars);
            ctx.onOutput(stream, text);
          },
        },
      );
      return { ...outcome, stderrTail };
    },
  };
  try {
    const outcome = await action.run(actionContext);
    return outcome.ok ? { status: 'succeeded', exitCode: null } : failed(outcome.failure);
  } catch (error) {
    return failed(createFailure('infra', `action '${name}' crashed: ${(error as Error).message}`));
  }
}

/** No process and no directory: the driver waits at the step's gate. */
async function runApprovalStep(ctx: StepAttemptContext, approval: ApprovalSpec): Promise<StepAttemptOutcome> {
  if (ctx.waitForApproval === undefined) return failed(createFailure('user', describeApprovalNeedsServer(ctx.step)));
  let failure: Failure | undefined;
  try {
    failure = await ctx.waitForApproval({
      job: ctx.job,
      step: ctx.step,
      approval,
      signal: ctx.signal,
      log: (line) => ctx.onOutput('system', `${line}\n`),
    });
  } catch (error) {
    failure = createFailure('infra', `step '${ctx.step.name}' could not wait for approvals: ${(error as Error).message}`);
  }
  if (ctx.signal.aborted) return { status: 'canceled', exitCode: null };
  return failure ? failed(failure) : { status: 'succeeded', exitCode: null };
}

function failed(failure: Failure): StepAttemptOutcome {
  return { status: 'failed', exitCode: null, failure };
}
