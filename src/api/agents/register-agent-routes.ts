import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BlobStore } from '../../blobs/index.js';
import type { Clock } from '../../clock/clock.js';
import type { DeployController } from '../../deploy/controller/index.js';
import type { AgentTarget } from '../../deploy/targets/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { appendLogChunk, createLogHub, finishLog, type LogHub, maxLogChunkBytes } from '../../logs/index.js';
import type { Metrics } from '../../metrics/index.js';
import { extendLease, registerAgent, releaseUndeliveredJobs, reportJobResult } from '../../scheduler/index.js';
import type { SecretCrypto } from '../../secrets/index.js';
import { type Db, isTerminalJobStatus, type JobStatus } from '../../store/index.js';
import { recordFinishedRun } from './record-finished-run.js';
import { checkAgentToken } from './check-agent-token.js';
import type { AgentTokenCache } from '../auth/agent-token-cache.js';
import { checkCurrentLease } from './check-current-lease.js';
import { createDispatcher, type Dispatcher, defaultLeaseMs } from './create-dispatcher.js';
import { openSseStream } from './open-sse-stream.js';
import { parseBody } from './parse-body.js';
import { registerApprovalRoutes } from './register-approval-routes.js';
import { registerBlobRoutes } from './register-blob-routes.js';
import { registerDeployAgentRoutes } from './register-deploy-agent-routes.js';
import { registerDeployStepRoutes } from './register-deploy-step-routes.js';
import { registerRunRoutes } from './register-run-routes.js';

export interface AgentRouteDeps {
  /** The store; may be a deferred handle that fails with unavailable until the store is open. */
  db: Db;
  clock: Clock;
  /** The shared secret agents present as `Authorization: Bearer <token>` (SLIPWAY_AGENT_TOKEN). */
  agentToken: string;
  /** Agents' own stored tokens, verified by the access check (createServer sets it). */
  agentTokens?: AgentTokenCache;
  /** Default 15 000 ms (defaultLeaseMs). */
  leaseMs?: number;
  /** Dispatcher safety tick. Default 1000 ms. */
  tickMs?: number;
  /** Bare mirrors of project repositories, for runs started from a ref. Default `<os tmpdir>/slipway-mirrors`. */
  mirrorCacheDir?: string;
  /**
   * Decrypts the secrets each job is assigned with, and serves the secret routes (create-server).
   * Without it jobs get no secrets and the secret routes are not registered.
   */
  secretCrypto?: SecretCrypto;
  /** Where artifacts and caches are kept; without it the artifact and cache routes are not registered. */
  blobStore?: BlobStore;
  /** Runs the deployments of `uses: deploy` steps; without it (or blobStore) the deploy step routes are not registered. */
  deployController?: DeployController;
  /** Jobs and runs finished, queue wait, agents connected (metrics/); without it nothing is counted. */
  metrics?: Metrics;
  /** Places replicas on agents registered with the deploy role (SLIPWAY_DEPLOY_TARGET=agents); without it their replica routes answer 412. */
  deployTarget?: AgentTarget;
}

export interface AgentRoutesContext {
  db: Db;
  clock: Clock;
  hub: LogHub;
  dispatcher: Dispatcher;
  /** Aborted when the server closes: held-open streams end so close() does not wait for clients. */
  shutdown: AbortSignal;
  mirrorCacheDir: string;
  metrics?: Metrics;
}

export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const fencingBody = z.object({ fencingToken: z.number().int() });
export const registerBody = z.object({
  name: z.string().min(1).max(200),
  labels: z.array(z.string().min(1)).default([]),
  capacity: z.number().int().min(1).max(1024).default(1),
  /** build: takes jobs; deploy: runs replicas for the agent target. */
  roles: z.array(z.enum(['build', 'deploy'])).min(1).default(['build']),
});
const failureSchema = z.object({
  kind: z.enum(['user', 'infra', 'timeout', 'canceled']),
  retryable: z.boolean(),
  message: z.string(),
});
export const agentParams = z.object({ id: z.string().min(1) });
export const jobsStreamQuery = z.object({
  running: z.string().regex(/^(\d+(,\d+)*)?$/, 'a comma-separated list of job ids').default(''),
});
export const logChunkQuery = z.object({ offset: z.coerce.number().int().min(0), fencingToken: z.coerce.number().int().optional() });
export const resultBody = z.object({
  fencingToken: z.number().int(),
  result: z.object({
    status: z.enum(['succeeded', 'failed', 'canceled']),
    failure: failureSchema.optional(),
    steps: z
      .array(
        z.object({
          index: z.number().int().min(0),
          status: z.enum(['succeeded', 'failed', 'skipped', 'canceled', 'timed-out']),
          exitCode: z.number().int().nullable().optional(),
        }),
      )
      .optional(),
  }),
});

/**
 * Agents and the jobs they run (key flows 2 and 3): registration, the held-open jobs stream the
 * dispatcher pushes to, heartbeats, log chunks and results — plus the run and log routes people use.
 */
export function registerAgentRoutes(app: FastifyInstance, deps: AgentRouteDeps, logger: FastifyBaseLogger): AgentRoutesContext {
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const hub = createLogHub({ db: deps.db });
  const dispatcher = createDispatcher({
    db: deps.db,
    clock: deps.clock,
    logger,
    leaseMs,
    ...(deps.tickMs !== undefined ? { tickMs: deps.tickMs } : {}),
    ...(deps.secretCrypto ? { secretCrypto: deps.secretCrypto } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const shutdown = new AbortController();
  // Every open stream (agents' jobs streams, people's log streams) listens for the shutdown: hundreds
  // of viewers are normal, not a listener leak (bench/sse-subscribers.mjs holds 1,000).
  setMaxListeners(0, shutdown.signal);
  app.addHook('preClose', async () => {
    shutdown.abort();
    await dispatcher.close();
  });
  const ctx: AgentRoutesContext = { db: deps.db, clock: deps.clock, hub, dispatcher,
    shutdown: shutdown.signal,
    mirrorCacheDir: deps.mirrorCacheDir ?? join(tmpdir(), 'slipway-mirrors'),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  };
  const authenticate = (header: string | undefined) => checkAgentToken(header, deps.agentToken, deps.agentTokens);

  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: maxLogChunkBytes + 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.post('/api/v1/agents/register', async (request) => {
    authenticate(request.headers.authorization);
    const body = parseBody(registerBody, request.body, 'agent registration');
    const agent = await registerAgent(deps.db, deps.clock, {
      id: `${body.name}-${randomUUID()}`,
      name: body.name,
      labels: body.labels,
      capacity: body.capacity,
    });
    dispatcher.forgetAgent(agent.id);
    if (body.roles.includes('deploy')) deps.deployTarget?.registerAgent(agent.id, agent.name);
    return { agentId: agent.id };
  });

  app.get('/api/v1/agents/:id/jobs', async (request, reply) => {
    authenticate(request.headers.authorization);
    const { id } = parseBody(agentParams, request.params, 'agent id');
    const { running } = parseBody(jobsStreamQuery, request.query, 'jobs stream query');
    const runningJobIds = running === '' ? [] : running.split(',').map(Number);
    const { rows } = await deps.db.query<{ labels: string[]; capacity: number }>(
      'SELECT labels, capacity FROM agents WHERE id = $1',
      [id],
    );
    const agent = rows[0];
    if (!agent) throw new AppError(ErrorCode.notFound, `no agent ${id}: register again (POST /api/v1/agents/register)`);
    const released = await releaseUndeliveredJobs(deps.db, deps.clock, { agentId: id, runningJobIds });
    if (released.length > 0) logger.info({ agentId: id, jobIds: released }, 'requeued jobs leased to the agent that never reached it');
    const stream = openSseStream(reply);
    const onShutdown = () => stream.end();
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    const disconnect = dispatcher.connect({
      id,
      labels: agent.labels,
      capacity: agent.capacity,
      // The assignment carries the job's secret values: written to the stream only, never logged.
      send: (assignment) => stream.send('job', assignment),
      cancel: (jobId) => stream.send('cancel', { jobId }),
      runningJobIds,
    });
    await stream.closed;
    disconnect();
    shutdown.signal.removeEventListener('abort', onShutdown);
  });

  app.post('/api/v1/jobs/:id/heartbeat', async (request) => {
    authenticate(request.headers.authorization);
    const { id } = parseBody(idParams, request.params, 'job id');
    const { fencingToken } = parseBody(fencingBody, request.body, 'heartbeat');
    if (!(await extendLease(deps.db, deps.clock, { jobId: id, fencingToken, leaseMs }))) {
      throw new AppError(ErrorCode.conflict, `job ${id} is no longer leased with fencing token ${fencingToken}: stop running it`);
    }
    // Reaches agents whose jobs stream is on another server replica: the cancel push went elsewhere.
    const { rows } = await deps.db.query<{ canceled: boolean }>(
      'SELECT r.cancel_requested_at IS NOT NULL AS canceled FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.id = $1',
      [id],
    );
    if (rows[0]?.canceled) {
      throw new AppError(ErrorCode.conflict, `the run of job ${id} was canceled: stop running it and report it canceled`, {
        details: { reason: 'canceled' },
      });
    }
    return { ok: true };
  });

  app.post('/api/v1/jobs/:id/logs', async (request) => {
    authenticate(request.headers.authorization);
    const { id } = parseBody(idParams, request.params, 'job id');
    const query = parseBody(logChunkQuery, request.query, 'log chunk query');
    if (!Buffer.isBuffer(request.body)) {
      throw new AppError(ErrorCode.invalidArgument, 'a log chunk is sent as raw bytes with content-type application/octet-stream');
    }
    if (query.fencingToken !== undefined) await checkCurrentLease(deps.db, id, query.fencingToken);
    const result = await appendLogChunk(deps.db, { jobId: id, offset: query.offset, data: request.body });
    if (result.appended) hub.publish(id, result.appended.offset, result.appended.data);
    return { length: result.length, truncated: result.truncated };
  });

  app.post('/api/v1/jobs/:id/result', async (request) => {
    authenticate(request.headers.authorization);
    const { id } = parseBody(idParams, request.params, 'job id');
    const body = parseBody(resultBody, request.body, 'job result');
    const log = request.log.child({ jobId: id });
    try {
      const outcome = await reportJobResult(deps.db, deps.clock, {
        jobId: id,
        fencingToken: body.fencingToken,
        result: body.result.failure
          ? { status: body.result.status, failure: body.result.failure, steps: body.result.steps ?? [] }
          : { status: body.result.status, steps: body.result.steps ?? [] },
      });
      if (!outcome.accepted) {
        // A repeated report of a finished job: the first was recorded, but its answer (or the log's
        // finish after it) was lost to a database or server outage. Without finishing the log here its
        // readers would wait for an end that never comes. finishLog is idempotent.
        if (outcome.reason === 'already-finished' && (await isJobFinished(deps.db, id))) {
          await finishLog(deps.db, id);
          hub.close(id);
        }
        log.info({ reason: outcome.reason }, 'job result refused');
        throw new AppError(ErrorCode.conflict, `the result of job ${id} was not accepted: ${outcome.reason}`, {
          details: { reason: outcome.reason },
        });
      }
      // A retried job goes on writing the same log in its next attempt.
      if (isTerminalJobStatus(outcome.status)) {
        await finishLog(deps.db, id);
        hub.close(id);
        const durationMs = outcome.startedAt ? deps.clock.now() - outcome.startedAt.getTime() : undefined;
        deps.metrics?.jobFinished(outcome.status, durationMs === undefined ? undefined : durationMs / 1000);
        log.info({ runId: outcome.runId, status: outcome.status, durationMs }, 'job finished');
      } else log.info({ runId: outcome.runId, status: outcome.status, readyAt: outcome.readyAt }, 'job attempt failed: retrying');
      if (outcome.runStatus) {
        await recordFinishedRun(deps.metrics, deps.db, outcome.runId, outcome.runStatus);
        log.info({ runId: outcome.runId, runStatus: outcome.runStatus }, 'run finished');
      }
      return { status: outcome.status, runStatus: outcome.runStatus ?? null };
    } finally {
      dispatcher.release(id);
    }
  });

  registerRunRoutes(app, ctx);
  registerApprovalRoutes(app, { db: deps.db, clock: deps.clock, dispatcher, authenticate });
  if (deps.blobStore) registerBlobRoutes(app, { db: deps.db, clock: deps.clock, blobStore: deps.blobStore, authenticate });
  registerDeployAgentRoutes(app, { ...(deps.deployTarget ? { target: deps.deployTarget } : {}), shutdown: shutdown.signal, authenticate });
  if (deps.blobStore && deps.deployController) registerDeployStepRoutes(app, { db: deps.db, blobStore: deps.blobStore, controller: deps.deployController, authenticate });
  return ctx;
}

async function isJobFinished(db: Db, jobId: number): Promise<boolean> {
  const { rows } = await db.query<{ status: JobStatus }>('SELECT status FROM jobs WHERE id = $1', [jobId]);
  return rows[0] !== undefined && isTerminalJobStatus(rows[0].status);
}
