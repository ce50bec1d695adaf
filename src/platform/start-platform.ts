import { join } from 'node:path';
import { createCanaryAuthorizer } from '../api/auth/authorize-canary-call.js';
import type { FastifyBaseLogger } from 'fastify';
import { createServer } from '../api/create-server.js';
import { createBlobStore } from '../blobs/index.js';
import { createBus } from '../bus/index.js';
import { type CanaryService, startCanaryService } from '../canary/index.js';
import { systemClock } from '../clock/clock.js';
import { type Config, defaultLocalAgents } from '../config/index.js';
import { createSecretCrypto, loadMasterKey } from '../secrets/index.js';
import { createDeployController } from '../deploy/controller/index.js';
import { createDeployLock } from '../deploy/lock/create-deploy-lock.js';
import { type AgentTarget, createAgentTarget } from '../deploy/targets/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { bootstrapIdentity } from '../identity/index.js';
import { createDemoRunner } from '../demo/demo-runner.js';
import { createMetrics } from '../metrics/index.js';
import { createNotifier, type Notifier } from '../notify/index.js';
import type { TracePublisher } from '../tracing/index.js';
import { openStore, type Store } from '../store/index.js';
import { version } from '../version.js';
import { autoscaleLocalAgents, type LocalAgentPool } from './autoscale-local-agents.js';
import { runAgentProcess } from './run-agent-process.js';
import { createDeferredDb } from './create-deferred-db.js';
import { defaultMirrorCacheDir, type ScheduleLoop, startScheduleLoop } from './run-schedules.js';

export interface Platform {
  /** Base URL the HTTP server listens on, e.g. http://localhost:8080. */
  url: string;
  /** The canary gRPC service's port on 127.0.0.1 (CanaryService: telemetry intake, WatchDecisions). */
  grpcPort: number;
  /**
   * Set on the very first start of a store only: the administrator `admin`'s first API token, to show
   * once (only its hash is stored).
   */
  adminToken?: string;
  /** Stops accepting requests, waits for in-flight ones, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface PlatformHooks {
  /** Called once the port is bound, before the store is opened (which can take seconds). */
  onListening?(url: string): void;
  /**
   * Also run build agents in this process, connected to this server (needs config.agentToken): between
   * config.localAgents min and max of them, named `<name>-<n>`, each running jobsPerAgent jobs at once.
   */
  localAgent?: { name: string; labels: readonly string[]; workDir: string };
  /** How often the local agents are rescaled. Default 1 s. */
  autoscaleIntervalMs?: number;
  /** How often pipelines' `trigger.schedule` entries are checked (with an agent token). Default 15 s. */
  scheduleIntervalMs?: number;
}

/**
 * The composition root of `slipway up` and `slipway server`: store, HTTP server, and — with an agent
 * token — the agent and run routes, optionally with a local agent; later router and UI join here.
 */
export async function startPlatform(config: Config, logger: FastifyBaseLogger, hooks: PlatformHooks = {}): Promise<Platform> {
  let store: Store | undefined;
  const storeKind = config.databaseUrl ? 'postgres' : 'pglite';
  const deferredDb = createDeferredDb(storeKind);
  // Loaded once: every secret is sealed and opened with this key for the life of the server.
  const masterKey = await loadMasterKey({ ...(config.masterKey ? { masterKey: config.masterKey } : {}), dataDir: config.dataDir });
  if (masterKey.source === 'created') {
    logger.warn({ file: masterKey.file }, 'generated a new master key for secrets: back this file up — without it the stored secrets cannot be decrypted');
  }
  const secretCrypto = createSecretCrypto({ key: masterKey.key });
  // One registry for this server (GET /metrics); the queue gauges read the store once it is open.
  const metrics = createMetrics({ db: deferredDb });
  // The bus and the canary service (its gRPC port included) come up before the HTTP port: an
  // unreachable broker or a taken port fails the start at once.
  const busConfig = config.bus ?? { kind: 'memory' as const };
  const bus = await createBus(busConfig);
  let canary: CanaryService;
  try {
    canary = await startCanaryService({
      db: deferredDb,
      bus,
      clock: systemClock,
      logger,
      grpcPort: config.grpcPort ?? 8082,
      // gRPC callers sign in with an API token, as HTTP ones do, and see only their teams' rollouts.
      authorizeGrpc: createCanaryAuthorizer(deferredDb, systemClock),
      relayDecisions: busConfig.kind !== 'memory',
      metrics,
      ...(config.canaryPolicyFile === undefined ? {} : { policyFile: config.canaryPolicyFile }),
    });
  } catch (error) {
    await bus.close();
    throw error;
  }
  // Replicas run on this host (local target) or on agents with the deploy role, which reach this
  // process's routes: the agent target is created first so the routes and the controller share it.
  let agentTarget: AgentTarget | undefined;
  if (config.deployTarget === 'agents') {
    if (!config.agentToken) {
      await canary.close();
      await bus.close();
      throw new AppError(ErrorCode.invalidArgument, 'SLIPWAY_DEPLOY_TARGET=agents needs SLIPWAY_AGENT_TOKEN: deploy agents authenticate with it');
    }
    agentTarget = createAgentTarget({ clock: systemClock, ...(config.leaseMs === undefined ? {} : { leaseMs: config.leaseMs }) });
  }
  const placedOnAgents = agentTarget;
  // Deployments are driven from this process: its target and the built-in router (bound after the HTTP port).
  const deployController = createDeployController({
    ...(placedOnAgents
      ? {
          createTarget: (onEvent) => {
            placedOnAgents.subscribe(onEvent);
            return placedOnAgents;
          },
        }
      : {}),
    db: deferredDb,
    blobs: createBlobStore(config.blobs),
    dataDir: config.dataDir,
    routerPort: config.routerPort ?? 8081,
    ...(config.routerKind ? { routerKind: config.routerKind } : {}),
    // One deployment per environment across every server: in Redis when REDIS_URL is set, else in the store.
    ...(config.redisUrl ? { lock: createDeployLock({ redisUrl: config.redisUrl }) } : {}),
    ...(config.routerHost === undefined ? {} : { routerHost: config.routerHost }),
    bus,
    canary: canary.deployLink,
    onError: (err, context) => logger.error({ err, context }, 'deploy controller error'),
    metrics,
    logger,
  });
  // Created once the store is open; until then the routes show no breaker state.
  let notifier: Notifier | undefined;
  // The web UI's demo button runs `slipway demo` against this server's own port (set once it listens).
  let ownUrl = '';
  const demo = createDemoRunner({ clock: systemClock, serverUrl: () => ownUrl, workDir: join(config.dataDir, 'demo') });
  const app = createServer({
    identity: { db: deferredDb, clock: systemClock },
    demo: { db: deferredDb, clock: systemClock, runner: demo },
    deployments: { db: deferredDb, controller: deployController },
    notifications: { db: deferredDb, clock: systemClock, readBreaker: (webhookId) => notifier?.readBreaker(webhookId) },
    canary: { canary },
    metrics,
    version,
    logger,
    checkHealth: async () => {
      if (!store) return { ok: false, store: storeKind, error: 'the store is still opening' };
      try {
        await store.db.query('select 1');
        return { ok: true, store: store.db.kind, schemaVersion: store.migrations.version };
      } catch (error) {
        return { ok: false, store: store.db.kind, error: error instanceof Error ? error.message : String(error) };
      }
    },
    ...(config.agentToken
      ? {
          agents: {
            db: deferredDb,
            clock: systemClock,
            agentToken: config.agentToken,
            secretCrypto,
            blobStore: createBlobStore(config.blobs),
            // `uses: deploy` steps deploy through this process's controller.
            deployController,
            ...(agentTarget ? { deployTarget: agentTarget } : {}),
            ...(config.leaseMs === undefined ? {} : { leaseMs: config.leaseMs }),
          },
        }
      : {}),
    webhooks: {
      ...(config.githubWebhookSecret ? { githubSecret: config.githubWebhookSecret } : {}),
      ...(config.gitlabWebhookToken ? { gitlabToken: config.gitlabWebhookToken } : {}),
    },
  });
  // The port is bound before the store opens: a taken port fails at once, not after initdb.
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await deployController.close();
    await canary.close();
    await bus.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const loopback = ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(config.host);
  const url = `http://${loopback ? 'localhost' : config.host}:${port}`;
  ownUrl = `http://${loopbackHostFor(config.host)}:${port}`;
  hooks.onListening?.(url);
  // A taken router port leaves CI working: the deployment routes answer 503 saying why.
  await deployController.start().catch((err: unknown) => logger.error({ err }, 'deployments are unavailable'));
  try {
    store = await openStore(
      config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: join(config.dataDir, 'db') },
    );
  } catch (error) {
    await app.close();
    await deployController.close();
    await canary.close();
    await bus.close();
    throw error;
  }
  deferredDb.resolve(store.db);
  // The first start makes the administrator and their first token (printed once by the caller).
  const { adminToken } = await bootstrapIdentity(store.db, { nowMs: systemClock.now() });
  // Reads what runs and deployments wrote, after the fact: nothing it does can slow either down.
  notifier = createNotifier({
    db: store.db,
    clock: systemClock,
    logger,
    baseUrl: url,
    ...(config.notifyWebhookUrl === undefined ? {} : { defaultWebhookUrl: config.notifyWebhookUrl }),
  });
  await notifier.start();
  // Traces, read like the notifier's events: after the fact. Loaded only when an OTLP endpoint is set,
  // so without one not even the OpenTelemetry SDK is imported.
  let tracePublisher: TracePublisher | undefined;
  if (config.tracing) {
    const { createTracePublisher } = await import('../tracing/index.js');
    tracePublisher = createTracePublisher({
      db: store.db,
      clock: systemClock,
      logger,
      tracesUrl: config.tracing.tracesUrl,
      serviceName: config.tracing.serviceName,
      serviceVersion: version,
    });
    await tracePublisher.start();
  }
  let schedules: ScheduleLoop | undefined;
  if (config.agentToken) {
    schedules = startScheduleLoop({
      db: store.db,
      clock: systemClock,
      mirrorCacheDir: defaultMirrorCacheDir,
      logger,
      ...(hooks.scheduleIntervalMs === undefined ? {} : { intervalMs: hooks.scheduleIntervalMs }),
    });
  }

  let agents: LocalAgentPool | undefined;
  if (hooks.localAgent && config.agentToken) {
    agents = autoscaleLocalAgents({
      db: store.db,
      clock: systemClock,
      scaling: config.localAgents ?? defaultLocalAgents(),
      agent: { serverUrl: `http://${loopbackHostFor(config.host)}:${port}`, token: config.agentToken, ...hooks.localAgent },
      runAgent: runAgentProcess,
      logger,
      ...(hooks.autoscaleIntervalMs === undefined ? {} : { intervalMs: hooks.autoscaleIntervalMs }),
    });
  }

  // With the agent target, `slipway up` also runs one deploy agent of its own (outside the autoscaled
  // build agents, which come and go): deployments work out of the box, on this host.
  const deployAgentStop = new AbortController();
  let deployAgent: Promise<void> | undefined;
  if (agentTarget && hooks.localAgent && config.agentToken) {
    const name = `${hooks.localAgent.name}-deploy`;
    deployAgent = runAgentProcess({
      serverUrl: `http://${loopbackHostFor(config.host)}:${port}`,
      token: config.agentToken,
      name,
      labels: hooks.localAgent.labels,
      capacity: 1,
      roles: ['deploy'],
      workDir: join(hooks.localAgent.workDir, 'deploy-agent'),
      signal: deployAgentStop.signal,
      onNotice: (message) => logger.info({ agent: name }, message),
    }).catch((err: unknown) => logger.error({ err, agent: name }, 'the local deploy agent stopped'));
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    grpcPort: canary.grpcPort,
    ...(adminToken === undefined ? {} : { adminToken }),
    close: () => {
      closing ??= (async () => {
        // A demo the web UI started is a client of this server: it goes first.
        await demo.close();
        // The agents first: their canceled jobs still report to this server.
        await schedules?.stop();
        await agents?.stop();
        // While the agent routes still answer: the stop commands go out and their results come back.
        if (agentTarget) await deployController.close();
        deployAgentStop.abort();
        await deployAgent;
        await app.close();
        await notifier?.stop();
        await tracePublisher?.stop();
        await deployController.close();
        // After the controller: its router's last telemetry may still reach the engine.
        await canary.close();
        await bus.close();
        await store?.close();
      })();
      return closing;
    },
  };
}

/** Where this process reaches its own server: any-interface binds are reachable on loopback. */
function loopbackHostFor(host: string): string {
  if (host === '0.0.0.0' || host === 'localhost') return '127.0.0.1';
  if (host === '::' || host === '::1') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
