import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { type AgentRole, runAgent } from '../../agent/index.js';
import type { AgentTarget } from '../../deploy/targets/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BlobStore, createFsBlobStore } from '../../blobs/index.js';
import { systemClock } from '../../clock/clock.js';
import type { Metrics } from '../../metrics/index.js';
import type { SecretCrypto } from '../../secrets/index.js';
import type { Db } from '../../store/db.js';
import { createServer } from '../create-server.js';
import type { DemoRunner } from '../../demo/demo-runner.js';
import { adminTokenOf, signInFetch } from './sign-in-as-admin.js';
import type { CanaryRouteDeps } from '../canary-routes.js';
import type { DeploymentRouteDeps } from '../deployment-routes.js';
import type { NotificationRouteDeps } from '../notification-routes.js';
import type { WebhookSecrets } from '../webhook-routes.js';

/** The agent token the test platform's server expects unless told otherwise. */
export const testAgentToken = 'test-agent-token-0123456789';

export interface TestAgentOptions {
  name: string;
  labels?: readonly string[];
  capacity: number;
  workDir: string;
  /** Default ['build']. */
  roles?: readonly AgentRole[];
  /** With the deploy role: where its replicas listen. Default 127.0.0.1. */
  replicaHost?: string;
}

export interface TestPlatformOptions {
  agentToken?: string;
  /** Default 3000 ms. */
  leaseMs?: number;
  /** Default 200 ms. */
  tickMs?: number;
  mirrorCacheDir?: string;
  secretCrypto?: SecretCrypto;
  webhooks?: WebhookSecrets;
  /** Serves the artifact and cache routes with this store; default a fs store in a temp dir, removed by stop(). */
  blobStore?: BlobStore;
  /** An in-process agent started once the server listens, stopped by `stop()`. */
  agent?: TestAgentOptions;
  /** Serves the canary routes of this service (owned by the caller: stop() does not close it). */
  canary?: CanaryRouteDeps;
  /** Serves GET /metrics and records into it. */
  metrics?: Metrics;
  /** Default a silent pino logger. */
  logger?: FastifyBaseLogger;
  /**
   * Serves the deployment routes and the deploy step's job routes with this controller (owned by the
   * caller: stop() does not close it). Give it the same blob store as `blobStore`: releases of deploy
   * steps and artifacts are read from there.
   */
  deployments?: DeploymentRouteDeps;
  /** Serves the notification routes. */
  notifications?: NotificationRouteDeps;
  /** Places replicas on agents with the deploy role (owned by the caller: stop() does not close it). */
  deployTarget?: AgentTarget;
  /** Serves the demo routes with this runner (owned by the caller: stop() does not close it). */
  demo?: DemoRunner;
  /**
   * Default true: this process's fetch calls to the platform act as the administrator (signInFetch).
   * False for tests of access itself, which send their own credentials.
   */
  signedIn?: boolean;
}

export interface TestPlatform {
  app: FastifyInstance;
  url: string;
  /** An API token of the administrator `admin` (for CLI processes: SLIPWAY_TOKEN). */
  adminToken: string;
  /** Stops the agent (if any) and closes the server. */
  stop(): Promise<void>;
}

export interface TestAgent {
  /** Aborts the agent and waits for it to end. */
  stop(): Promise<void>;
}

/** Starts an in-process agent against `url`. */
export function startTestAgent(url: string, options: TestAgentOptions & { token?: string }): TestAgent {
  const abort = new AbortController();
  const running = runAgent({
    serverUrl: url,
    token: options.token ?? testAgentToken,
    name: options.name,
    labels: options.labels ?? [],
    capacity: options.capacity,
    workDir: options.workDir,
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.replicaHost ? { replicaHost: options.replicaHost } : {}),
    signal: abort.signal,
  });
  return {
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

/** A Fastify server with the agent routes on 127.0.0.1 and a free port, with optionally an in-process agent. */
export async function startTestPlatform(db: Db, options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const agentToken = options.agentToken ?? testAgentToken;
  const blobDir = options.blobStore ? undefined : await mkdtemp(join(tmpdir(), 'slipway-test-blobs-'));
  const blobStore = options.blobStore ?? createFsBlobStore({ root: blobDir! });
  const app = createServer({
    identity: { db, clock: systemClock },
    version: 'test',
    logger: options.logger ?? pino({ level: 'silent' }),
    checkHealth: async () => ({ ok: true }),
    agents: {
      db,
      clock: systemClock,
      agentToken,
      leaseMs: options.leaseMs ?? 3000,
      tickMs: options.tickMs ?? 200,
      ...(options.mirrorCacheDir === undefined ? {} : { mirrorCacheDir: options.mirrorCacheDir }),
      ...(options.secretCrypto === undefined ? {} : { secretCrypto: options.secretCrypto }),
      blobStore,
      ...(options.deployments === undefined ? {} : { deployController: options.deployments.controller }),
      ...(options.deployTarget === undefined ? {} : { deployTarget: options.deployTarget }),
    },
    ...(options.webhooks === undefined ? {} : { webhooks: options.webhooks }),
    ...(options.canary === undefined ? {} : { canary: options.canary }),
    ...(options.deployments === undefined ? {} : { deployments: options.deployments }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.notifications === undefined ? {} : { notifications: options.notifications }),
    ...(options.demo === undefined ? {} : { demo: { db, clock: systemClock, runner: options.demo } }),
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await app.close();
    if (blobDir) await rm(blobDir, { recursive: true, force: true });
    throw error;
  }
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const adminToken = await adminTokenOf(db);
  const signOut = options.signedIn === false ? () => {} : signInFetch(new URL(url).origin, adminToken);
  const agent = options.agent ? startTestAgent(url, { ...options.agent, token: agentToken }) : undefined;
  return {
    app,
    url,
    adminToken,
    stop: async () => {
      signOut();
      await agent?.stop();
      await app.close();
      if (blobDir) await rm(blobDir, { recursive: true, force: true });
    },
  };
}
