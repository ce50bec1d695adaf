import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobAssignment } from '../api/agents/job-assignment.js';
import { type Clock, systemClock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { detectSandbox, prepareWarmStart, type WarmStart } from '../runner/index.js';
import { createAgentClient } from './create-agent-client.js';
import { readSseEvents } from './read-sse-events.js';
import { runAssignedJob } from './run-assigned-job.js';
import { createReplicaClient } from './create-replica-client.js';
import { runDeployRole } from './run-deploy-role.js';
import { sleep } from '../clock/sleep.js';

/** `build`: takes pushed jobs. `deploy`: runs replicas the server's agent target places here (SLIPWAY_DEPLOY_TARGET=agents). */
export type AgentRole = 'build' | 'deploy';

export interface RunAgentOptions {
  /** The control plane, e.g. http://localhost:8080. */
  serverUrl: string;
  /** The shared agent token (SLIPWAY_AGENT_TOKEN of the server). */
  token: string;
  name: string;
  /** Jobs whose runs_on are all among these may come here. */
  labels: readonly string[];
  /** Jobs run at once. */
  capacity: number;
  /** What this agent does; recorded at registration. Default ['build']. */
  roles?: readonly AgentRole[];
  /** Job workspaces are created (and removed) under it. */
  workDir: string;
  /** Bare mirrors of the repositories jobs check out, kept between jobs. Default `<workDir>/mirrors`. */
  mirrorCacheDir?: string;
  /** Aborting stops the agent: running jobs are canceled and reported, then runAgent resolves. */
  signal: AbortSignal;
  /** The environment steps start from. Default: none but PATH and HOME of this process. */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** Told about registration, connections and lost streams (a CLI prints them). */
  onNotice?(message: string): void;
  /** First wait before reconnecting a lost stream, doubling up to 5000 ms. Default 250 ms. */
  reconnectDelayMs?: number;
  /**
   * Keep a step process started ahead while a slot is free (see warm-start.ts): a pushed job's first
   * script step starts without a fork of this process or a sandbox setup. Default true.
   */
  warmStart?: boolean;
  /** With the deploy role: the address its replicas listen on and the server reaches them at. Default 127.0.0.1. */
  replicaHost?: string;
}

/** Consecutive failures to start a warm step process after which the agent stops trying. */
const warmStartAttempts = 3;
/** Delay before the next warm start after one was taken: not during the taking job's own start. */
const warmStartRefillMs = 100;

/**
 * A build agent: registers, holds the jobs stream open (reconnecting with backoff when it drops, and
 * registering again when the server forgot it) and runs each pushed job concurrently. Resolves once
 * the signal is aborted and every running job has reported; a wrong token rejects at once.
 */
export async function runAgent(options: RunAgentOptions): Promise<void> {
  const roles = options.roles ?? ['build'];
  if (roles.length === 0) throw new AppError(ErrorCode.invalidArgument, 'an agent needs at least one role: build, deploy or both');
  const client = createAgentClient(options.serverUrl, options.token);
  const clock = options.clock ?? systemClock;
  const notice = options.onNotice ?? (() => {});
  const env = options.env ?? { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  const baseDelayMs = options.reconnectDelayMs ?? 250;
  await mkdir(options.workDir, { recursive: true });
  const detected = await detectSandbox({ searchPath: env['PATH'], probeDir: options.workDir });
  if (detected.notice) notice(detected.notice);

  const mirrorCacheDir = options.mirrorCacheDir ?? join(options.workDir, 'mirrors');

  const running = new Set<Promise<void>>();
  // Per running job: aborted when the server pushes `cancel` for it.
  const cancels = new Map<number, AbortController>();

  // At most one warm start, ready for the next pushed job while a slot is free.
  let warm: WarmStart | undefined;
  let warming: Promise<void> | undefined;
  // A deploy-only agent takes no jobs: nothing to start ahead.
  let warmFailures = options.warmStart === false || !roles.includes('build') ? warmStartAttempts : 0;
  const warmUp = (): void => {
    if (warm || warming || warmFailures >= warmStartAttempts || options.signal.aborted || running.size >= options.capacity) return;
    warming = prepareWarmStart({ sandbox: detected.sandbox, workDir: options.workDir, searchPath: env['PATH'] })
      .then(async (prepared) => {
        warmFailures = prepared ? 0 : warmFailures + 1;
        if (prepared && options.signal.aborted) await discardWarmStart(prepared);
        else warm = prepared;
      })
      .finally(() => {
        warming = undefined;
      });
  };
  warmUp();

  const start = (assignment: JobAssignment) => {
    const cancel = new AbortController();
    cancels.set(assignment.jobId, cancel);
    const warmStart = warm;
    warm = undefined;
    if (warmStart) setTimeout(warmUp, warmStartRefillMs).unref();
    const job = runAssignedJob({
      client,
      assignment,
      workDir: options.workDir,
      mirrorCacheDir,
      sandbox: detected.sandbox,
      env,
      clock,
      signal: options.signal,
      cancelSignal: cancel.signal,
      ...(warmStart ? { warmStart } : {}),
    })
      .catch((error: unknown) => notice(`job ${assignment.jobId} ended badly: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running.delete(job);
        if (cancels.get(assignment.jobId) === cancel) cancels.delete(assignment.jobId);
        warmUp();
      });
    running.add(job);
  };

  // One registration for both roles; either role's 404 (a server that forgot this agent) registers again.
  let agentId: string | undefined;
  let registering: Promise<string> | undefined;
  const ensureRegistered = (): Promise<string> => {
    if (agentId !== undefined) return Promise.resolve(agentId);
    registering ??= (async () => {
      const answer = await client.register({ name: options.name, labels: options.labels, capacity: options.capacity, roles }, options.signal);
      if (answer.status === 401) {
        throw new AppError(ErrorCode.unauthenticated, `${options.serverUrl} refused the agent token: pass the server's SLIPWAY_AGENT_TOKEN`);
      }
      if (answer.status !== 200 || !answer.body.agentId) throw new Error(`registration answered ${answer.status}`);
      agentId = answer.body.agentId;
      notice(`registered as ${agentId} (roles ${roles.join(', ')})`);
      return agentId;
    })().finally(() => {
      registering = undefined;
    });
    return registering;
  };
  const forgetAgentId = (id: string) => {
    if (agentId === id) agentId = undefined;
  };

  const deployRole = roles.includes('deploy')
    ? runDeployRole({
        client: createReplicaClient(options.serverUrl, options.token),
        agentId: ensureRegistered,
        forgetAgentId,
        workDir: options.workDir,
        env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
        signal: options.signal,
        notice,
        reconnectDelayMs: baseDelayMs,
        ...(options.replicaHost === undefined ? {} : { replicaHost: options.replicaHost }),
      })
    : Promise.resolve();
  // Settled before anything below can throw, so a failed deploy role is never an unhandled rejection.
  const deployOutcome = deployRole.then(
    () => undefined,
    (error: unknown) => error,
  );

  let delayMs = baseDelayMs;
  while (!options.signal.aborted && roles.includes('build')) {
    try {
      const id = await ensureRegistered();
      // The jobs it still runs: the server requeues any other job leased to it (a claim it never got).
      const response = await client.openJobs(id, options.signal, [...cancels.keys()]);
      if (response.status === 404) {
        forgetAgentId(id);
        await response.body?.cancel();
        continue;
      }
      if (response.status !== 200 || !response.body) throw new Error(`the jobs stream answered ${response.status}`);
      notice(`connected to ${options.serverUrl}`);
      delayMs = baseDelayMs;
      for await (const event of readSseEvents(response.body)) {
        if (event.event === 'job') start(JSON.parse(event.data) as JobAssignment);
        else if (event.event === 'cancel') cancels.get((JSON.parse(event.data) as { jobId: number }).jobId)?.abort();
      }
      if (!options.signal.aborted) notice('the jobs stream ended; reconnecting');
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (options.signal.aborted) break;
      notice(`lost the server (${error instanceof Error ? error.message : String(error)}); retrying in ${delayMs} ms`);
    }
    if (options.signal.aborted) break;
    await sleep(delayMs, options.signal);
    delayMs = Math.min(delayMs * 2, 5000);
  }
  await Promise.all([...running]);
  await warming;
  if (warm) await discardWarmStart(warm);
  const deployError = await deployOutcome;
  if (deployError !== undefined) throw deployError;
}

async function discardWarmStart(warm: WarmStart): Promise<void> {
  warm.dispose();
  await rm(warm.workspaceDir, { recursive: true, force: true }).catch(() => {});
}
