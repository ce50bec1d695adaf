import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobAssignment } from '../api/agents/job-assignment.js';
import type { Clock } from '../clock/clock.js';
import { createSecretMasker } from '../logs/mask-secrets.js';
import { createFailure, type Failure } from '../runner/failure.js';
import { createBuiltInActions, executeJob, type JobResult, type Sandbox, type WarmStart } from '../runner/index.js';
import type { JobAttemptResult } from '../scheduler/index.js';
import type { AgentClient } from './create-agent-client.js';
import { createApprovalWaiter } from './create-approval-waiter.js';
import { createDeployStepClient } from './create-deploy-step-client.js';
import { createJobFiles } from './create-job-files.js';
import { type ChunkOutcome, createLogUploader } from './create-log-uploader.js';
import { startHeartbeatLoop } from './heartbeat-loop.js';

export interface RunAssignedJobOptions {
  client: AgentClient;
  assignment: JobAssignment;
  workDir: string;
  /** This agent's bare mirrors of repositories, reused across jobs (see git-checkout). */
  mirrorCacheDir: string;
  sandbox: Sandbox;
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Agent shutdown: the job is canceled and reported as such. */
  signal: AbortSignal;
  /** The job's run was canceled (the server pushed `cancel`): the job is stopped and reported canceled. */
  cancelSignal?: AbortSignal;
  /** A step process started ahead (run-agent keeps one): the job runs in its workspace, its first script step in it. */
  warmStart?: WarmStart;
  /** Longest wait for the last log bytes and the result to be accepted before giving up. Default 30 000 ms. */
  reportDeadlineMs?: number;
}

/**
 * One pushed job on this agent: a fresh workspace, the executor, output uploaded at byte offsets,
 * heartbeats every leaseMs/3, missed ones retried sooner (heartbeat-loop.ts) — a refused heartbeat (a newer lease holds the job) stops the job — and
 * finally the result. The server decides what a stale result means; the agent only reports.
 */
export async function runAssignedJob(options: RunAssignedJobOptions): Promise<void> {
  const { client, assignment } = options;
  const { jobId, fencingToken } = assignment;
  const jobAbort = new AbortController();
  const onShutdown = () => jobAbort.abort();
  options.signal.addEventListener('abort', onShutdown, { once: true });
  if (options.signal.aborted) jobAbort.abort();
  options.cancelSignal?.addEventListener('abort', onShutdown, { once: true });
  if (options.cancelSignal?.aborted) jobAbort.abort();

  const uploader = createLogUploader({
    startOffset: assignment.logOffset,
    send: async (offset, data): Promise<ChunkOutcome> => {
      const answer = await client.appendLog(jobId, fencingToken, offset, data);
      if (answer.status === 200 && typeof answer.body.length === 'number') return { kind: 'ok', length: answer.body.length };
      const serverLength = answer.body.error?.details?.length;
      if (answer.status === 412 && typeof serverLength === 'number') return { kind: 'gap', length: serverLength };
      if (answer.status === 409 || answer.status === 404) return { kind: 'refused' };
      return { kind: 'retry' };
    },
  });

  // Every byte of output goes through one masker for the job's one log stream before it is shipped:
  // nothing unmasked is uploaded or stored. It may hold back a tail that could still start a secret,
  // so it is flushed once the job ends.
  const secrets = assignment.secrets ?? {};
  const secretValues = Object.values(secrets);
  const masker = createSecretMasker(secretValues);
  const write = (text: string): void => uploader.write(masker.write(text));
  const unmasked = Object.keys(secrets).filter((name) => masker.skipped.includes(secrets[name]!));
  if (unmasked.length > 0) {
    write(`Slipway: secret(s) ${unmasked.join(', ')} are too short to be masked in this log (under 3 characters)\n`);
  }

  let stale = false;
  const intervalMs = Math.max(100, Math.floor(assignment.leaseMs / 3));
  const heartbeat = startHeartbeatLoop({
    intervalMs,
    // A missed heartbeat (server down, or 5xx while its database is) is retried from 1 s on.
    retryMs: Math.min(1000, intervalMs),
    beat: async () => {
      const answer = await client.heartbeat(jobId, fencingToken);
      const reason = (answer.body as { error?: { details?: { reason?: unknown } } }).error?.details?.reason;
      if (answer.status === 409 && reason === 'canceled') {
        // The run was canceled (the push went to another server replica): the lease still holds, so
        // the `canceled` result is accepted.
        jobAbort.abort();
      } else if (answer.status === 409 || answer.status === 404) {
        // Output is refused from now on too (the log route checks the same token).
        stale = true;
        jobAbort.abort();
      }
      return answer.status >= 500 ? 'missed' : 'answered';
    },
  });

  let workspaceDir: string | undefined;
  let result: JobAttemptResult;
  try {
    workspaceDir = options.warmStart?.workspaceDir ?? (await mkdtemp(join(options.workDir, `job-${jobId}-`)));
    const files = createJobFiles({ client, assignment, workspaceDir, log: (line) => write(`${line}\n`) });
    const executed = await executeJob(assignment.job, {
      workspaceDir,
      sandbox: options.sandbox,
      // Secrets are environment variables of the steps, over the agent's own environment.
      env: { ...options.env, ...secrets },
      clock: options.clock,
      signal: jobAbort.signal,
      ...(assignment.repoUrl && assignment.commitSha
        ? { source: { kind: 'remote', repoUrl: assignment.repoUrl, commitSha: assignment.commitSha, mirrorCacheDir: options.mirrorCacheDir } }
        : {}),
      waitForApproval: createApprovalWaiter({ client, jobId, fencingToken }),
      ...(options.warmStart ? { warmStart: options.warmStart } : {}),
      actions: createBuiltInActions({
        deploySteps: createDeployStepClient({ client, jobId, fencingToken, environment: assignment.job.environment }),
      }),
      beforeWork: async () => {
        const failure = await files.prepare();
        if (failure) write(`Slipway: ${failure.message}\n`);
        return failure;
      },
      onEvent: (event) => {
        if (event.type === 'output') write(event.text);
        else if (event.type === 'step-started') write(`▶ ${event.step}\n`);
      },
    });
    result = toAttemptResult(executed);
    if (result.status !== 'canceled') {
      const succeeded = result.status === 'succeeded';
      const failure = await files.keep(succeeded);
      if (failure) {
        write(`Slipway: ${failure.message}\n`);
        if (succeeded) result = { ...result, status: 'failed', failure };
      }
    }
  } catch (error) {
    // executeJob reports failures as data; an exception here is the agent's own fault.
    const failure = createFailure('infra', `the agent failed to run the job: ${error instanceof Error ? error.message : String(error)}`);
    write(`Slipway: ${failure.message}\n`);
    result = { status: 'failed', failure };
  } finally {
    options.signal.removeEventListener('abort', onShutdown);
    options.cancelSignal?.removeEventListener('abort', onShutdown);
    // Not taken (the job had no script step that fit, or ended before one): its process goes now.
    options.warmStart?.dispose();
    if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true }).catch(() => {});
  }

  uploader.write(masker.flush());
  if (secretValues.length > 0 && result.failure) {
    // A failure message may quote output (a command line, an error): masked too, on its own stream.
    const failureMasker = createSecretMasker(secretValues);
    const message = failureMasker.write(result.failure.message) + failureMasker.flush();
    result = { ...result, failure: { ...result.failure, message } };
  }

  const deadline = Date.now() + (options.reportDeadlineMs ?? 30_000);
  const giveUp = setTimeout(() => uploader.stop(), Math.max(0, deadline - Date.now()));
  try {
    await uploader.drain();
    clearTimeout(giveUp);
    if (stale) {
      // The result would be refused; posting it still frees this agent's slot on the server.
      await client.reportResult(jobId, fencingToken, result).catch(() => {});
      return;
    }
    await reportWithRetries(options.client, jobId, fencingToken, result, deadline);
  } finally {
    // Heartbeats go on until the result is in: a server that is down for a while would otherwise let
    // the lease of a finished job expire and run it again.
    heartbeat.stop();
  }
}

async function reportWithRetries(client: AgentClient, jobId: number, fencingToken: number, result: JobAttemptResult, deadlineMs: number): Promise<void> {
  let delayMs = 100;
  for (;;) {
    try {
      const answer = await client.reportResult(jobId, fencingToken, result);
      // 2xx: recorded. 4xx: refused for good (stale, unknown job); retrying cannot change that.
      if (answer.status < 500) return;
    } catch {
      // Network trouble: retried below.
    }
    if (Date.now() + delayMs > deadlineMs) return;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 2000);
  }
}

function toAttemptResult(executed: JobResult): JobAttemptResult {
  const steps = executed.steps.map((step) => ({ index: step.index, status: step.status, exitCode: step.exitCode }));
  if (executed.status === 'failed') {
    const failure: Failure = executed.failure ?? createFailure('infra', 'the job failed without saying why');
    return { status: 'failed', failure, steps };
  }
  return executed.failure ? { status: executed.status, failure: executed.failure, steps } : { status: executed.status, steps };
}
