import { join } from 'node:path';
import type { BlobStore } from '../../blobs/index.js';
import type { Bus } from '../../bus/index.js';
import { type Clock, systemClock } from '../../clock/clock.js';
import { sleep } from '../../clock/sleep.js';
import { AppError, ErrorCode, isAppError } from '../../errors/app-error.js';
import type { Metrics } from '../../metrics/index.js';
import type { Db } from '../../store/index.js';
import { createPostgresDeployLock } from '../lock/postgres/deploy-lock.js';
import type { DeployLock } from '../lock/deploy-lock.js';
import { createBuiltinRouter } from '../router/builtin/router.js';
import { createHaproxyRouter } from '../router/haproxy/router.js';
import type { RouterWeights, TrafficRouter } from '../router/router.js';
import { reapOrphanReplicas } from '../targets/local/replica-records.js';
import { createLocalTarget } from '../targets/local/target.js';
import type { Replica, ReplicaEventListener, Target } from '../targets/target.js';
import type { CanaryLink } from './canary-link.js';
import { type ControllerRuntime, type DeployLogger, syncBackends } from './controller-runtime.js';
import { type Deployment, loadDeployment } from './deployment.js';
import { listDeployments } from './list-deployments.js';
import { createTelemetryPublisher, type TelemetryPublisher } from './publish-telemetry.js';
import { type RollbackInput, type RollbackResult, rollbackEnvironment } from './rollback-environment.js';
import { listWaitingDeployments, recoverEnvironments } from './recover-environments.js';
import { runDeployment } from './run-deployment.js';
import { signalDeployment } from './signal-deployment.js';
import { type SubmitDeploymentInput, submitDeployment } from './submit-deployment.js';
import { createTelemetryWindow } from './telemetry-window.js';
import { createWakers } from './wakers.js';

export interface DeployControllerOptions {
  /** A migrated store (0012); may be a deferred handle that opens later: nothing is read until a request. */
  db: Db;
  blobs: BlobStore;
  /** Releases are unpacked under `<dataDir>/releases`. */
  dataDir: string;
  /** The router's port on 127.0.0.1; default 0 (a free one). */
  routerPort?: number;
  /** builtin (default): the in-process router; haproxy: a haproxy process Slipway starts and drives. */
  routerKind?: 'builtin' | 'haproxy';
  /** Only 127.0.0.1 (or localhost) for now: the built-in router binds loopback. */
  routerHost?: string;
  /** Router telemetry of canary rollouts goes to `telemetry.raw` when given. */
  bus?: Bus;
  /**
   * The canary engine: a canary's `analysis` steps wait for its decisions, and its ROLLBACK aborts the
   * rollout at any step. Absent: `analysis` is the router health threshold (run-health-analysis.ts).
   */
  canary?: CanaryLink;
  /** Default: the store-backed lock on `db`. The controller owns it: close() closes it. */
  lock?: DeployLock;
  /** Env every replica starts from, e.g. {PATH}; default {}. */
  baseEnv?: Record<string, string>;
  /**
   * Where replicas run, given the controller's event listener; called once by start(). Default: a
   * local target on this host (process groups recorded under `<dataDir>/replicas`).
   */
  createTarget?: (onEvent: ReplicaEventListener) => Target;
  clock?: Clock;
  /** Longest sleep of a deployment loop between looks at the store; default 250 ms. */
  pollMs?: number;
  /** Between taking replicas out of the router and stopping them; default 250 ms. */
  drainMs?: number;
  /** Lease of the environment lock, renewed every third of it; default 30 000 ms. */
  lockTtlMs?: number;
  onError?: (error: unknown, context: string) => void;
  /** Deployments finished and rollbacks requested, by environment; absent: not counted. */
  metrics?: Metrics;
  /** Logs each deployment's start and end and each rollback, with deploymentId; absent: silent. */
  logger?: DeployLogger;
}

/** A deployment with what the target and router show of its service now. */
export interface DeploymentView {
  deployment: Deployment;
  replicas: Replica[];
  weights: RouterWeights;
  /** Effective share of traffic per version, in percent. */
  traffic: Record<string, number>;
}

export interface DeployController {
  /** Where the router listens: send `Host: <service>` to reach a service. Throws before start(). */
  readonly routerUrl: string;
  /**
   * Binds the router. Until it succeeded every other call fails with unavailable. Then, in the
   * background, recovers from a predecessor killed with -9 (recover-environments.ts).
   */
  start(): Promise<void>;
  submit(input: SubmitDeploymentInput): Promise<{ deployment: Deployment; created: boolean }>;
  rollback(input: RollbackInput): Promise<RollbackResult>;
  promote(id: number, input: { full: boolean; actor: string }): Promise<Deployment>;
  abort(id: number, input: { actor: string; reason?: string }): Promise<Deployment>;
  describe(id: number): Promise<DeploymentView>;
  list(projectId: number, environment: string, limit?: number): Promise<Deployment[]>;
  /** Resolves once the deployment's loop in this process has ended (at once when none runs). */
  settled(id: number): Promise<void>;
  /** Ends every loop (their deployments fail, retryable), stops every replica, closes the router. */
  close(): Promise<void>;
}

/**
 * The deploy controller of one server process: one local target, one built-in router, and a loop per
 * deployment it accepted (run-deployment.ts). Deployments accepted by another server replica run there.
 * Created unbound, so routes can be registered before the HTTP port is bound; start() binds the router.
 */
export function createDeployController(options: DeployControllerOptions): DeployController {
  const clock = options.clock ?? systemClock;
  if (options.routerHost !== undefined && !['127.0.0.1', 'localhost'].includes(options.routerHost)) {
    throw new AppError(ErrorCode.invalidArgument, `SLIPWAY_ROUTER_HOST=${options.routerHost}: the built-in router binds 127.0.0.1 only for now; unset it (or put a proxy in front)`);
  }
  const onError = options.onError ?? (() => {});
  const telemetry = createTelemetryWindow({ keepMs: 3600_000, now: () => clock.now() });
  const canaryRollouts = new Map<string, string>();
  const publisher: TelemetryPublisher | undefined = options.bus
    ? createTelemetryPublisher(options.bus, { rolloutOf: (service) => canaryRollouts.get(service), onError: (e) => onError(e, 'telemetry') })
    : undefined;
  const wakers = createWakers();
  const loops = new Map<number, { done: Promise<void>; abortWait: AbortController }>();
  let runtime: ControllerRuntime | undefined;
  let startError: unknown;
  let closed = false;
  const recoveryAbort = new AbortController();
  let recovery: Promise<void> = Promise.resolve();

  const ready = (): ControllerRuntime => {
    if (runtime) return runtime;
    const why = startError instanceof Error ? `: ${startError.message}` : ' yet';
    throw new AppError(ErrorCode.unavailable, `deployments are unavailable: the deploy controller's router is not running${why}`, { cause: startError });
  };

  const start = (id: number) => {
    const rt = ready();
    if (loops.has(id) || rt.closed) return;
    const abortWait = new AbortController();
    const done = runDeployment(rt, id, abortWait.signal)
      .catch((error: unknown) => onError(error, `deployment ${id}`))
      .finally(() => loops.delete(id));
    loops.set(id, { done, abortWait });
  };

  /**
   * In the background of start(): the server answers meanwhile. Orphans go first (they may hold fixed
   * ports), then each environment is recovered under its lock, and only then do waiting deployments
   * resume, so none of them starts from an environment whose stable replicas are not back yet.
   */
  const recover = async (rt: ControllerRuntime, recordsDir: string): Promise<void> => {
    try {
      const reaped = await reapOrphanReplicas(recordsDir);
      if (reaped.stopped.length > 0) {
        options.logger?.info({ replicas: reaped.stopped.map((r) => r.replicaId) }, 'stopped replicas left running by a previous server process');
      }
      await untilStoreOpen(rt, recoveryAbort.signal, () => recoverEnvironments(rt, recoveryAbort.signal));
      if (recoveryAbort.signal.aborted) return;
      for (const id of await listWaitingDeployments(rt)) start(id);
    } catch (error) {
      onError(error, 'recovery after a restart');
    }
  };

  return {
    get routerUrl() {
      return ready().router.url;
    },
    async start() {
      if (runtime || closed) return;
      let router: TrafficRouter;
      try {
        const createRouter = options.routerKind === 'haproxy' ? createHaproxyRouter : createBuiltinRouter;
        router = await createRouter({
          port: options.routerPort ?? 0,
          clock,
          onRequest: (event) => {
            telemetry.record(event);
            publisher?.push(event);
          },
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        startError = code === 'EADDRINUSE' ? new Error(`router port ${options.routerPort} on 127.0.0.1 is already in use — stop the other process or set SLIPWAY_ROUTER_PORT`) : error;
        throw new AppError(ErrorCode.unavailable, (startError as Error).message, { cause: error });
      }
      const recordsDir = join(options.dataDir, 'replicas');
      const onEvent: ReplicaEventListener = (event) => {
        const rt = runtime;
        if (!rt) return;
        if (event.type === 'failed' && event.replica.failure) rt.failures.set(event.replica.id, event.replica.failure);
        syncBackends(rt, event.replica.service).catch((error: unknown) => onError(error, `router backends of ${event.replica.service}`));
        wakers.wakeAll();
      };
      const target = options.createTarget
        ? options.createTarget(onEvent)
        : createLocalTarget({ clock, recordsDir, ...(options.baseEnv ? { baseEnv: options.baseEnv } : {}), onEvent });
      runtime = {
        db: options.db,
        clock,
        blobs: options.blobs,
        dataDir: options.dataDir,
        lock: options.lock ?? createPostgresDeployLock({ db: options.db, clock }),
        target,
        router,
        telemetry,
        wakers,
        pollMs: options.pollMs ?? 250,
        drainMs: options.drainMs ?? 250,
        lockTtlMs: options.lockTtlMs ?? 30_000,
        failures: new Map(),
        draining: new Set(),
        rollingOut: new Map(),
        ...(options.canary ? { canary: options.canary } : {}),
        canaryRollouts,
        closed: false,
        ...(options.metrics ? { metrics: options.metrics } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      };
      recovery = recover(runtime, recordsDir);
    },
    async submit(input) {
      const result = await submitDeployment(ready(), input);
      // A resubmission's deployment already has its loop (here, or in the replica that accepted it).
      if (result.created) start(result.deployment.id);
      return result;
    },
    async rollback(input) {
      const result = await rollbackEnvironment(ready(), input);
      options.metrics?.rollbackRequested(input.environment);
      options.logger?.info({ deploymentId: result.deployment.id, environment: input.environment, action: result.action, actor: input.actor }, 'rollback requested');
      if (result.action === 'aborted') wakers.wake(result.deployment.id);
      else start(result.deployment.id);
      return result;
    },
    async promote(id, { full, actor }) {
      const rt = ready();
      await signalDeployment(rt.db, clock, id, { type: 'promote', full, actor });
      wakers.wake(id);
      return loadDeployment(rt.db, id);
    },
    async abort(id, { actor, reason }) {
      const rt = ready();
      await signalDeployment(rt.db, clock, id, { type: 'abort', actor, ...(reason === undefined ? {} : { reason }) });
      loops.get(id)?.abortWait.abort();
      wakers.wake(id);
      return loadDeployment(rt.db, id);
    },
    async describe(id) {
      const rt = ready();
      const deployment = await loadDeployment(rt.db, id);
      const service = (await rt.router.readState()).services[deployment.service];
      return {
        deployment,
        replicas: rt.target.listReplicas().filter((replica) => replica.service === deployment.service),
        weights: service?.weights ?? {},
        traffic: service?.versions ?? {},
      };
    },
    list: (projectId, environment, limit) => listDeployments(ready().db, projectId, environment, limit),
    settled: async (id) => {
      await loops.get(id)?.done;
    },
    async close() {
      if (closed) return;
      closed = true;
      const rt = runtime;
      if (rt) rt.closed = true;
      recoveryAbort.abort();
      for (const loop of loops.values()) loop.abortWait.abort();
      wakers.wakeAll();
      await recovery;
      await Promise.allSettled([...loops.values()].map((loop) => loop.done));
      await rt?.target.close();
      await rt?.router.close();
      await publisher?.close();
      await rt?.lock.close();
    },
  };
}

/** Runs `fn`, again every second while the store is still opening (the deferred handle says unavailable). */
async function untilStoreOpen(rt: ControllerRuntime, signal: AbortSignal, fn: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!(isAppError(error) && error.code === ErrorCode.unavailable) || signal.aborted || rt.closed) throw error;
    }
    if (!(await sleep(1_000, signal))) return;
  }
}
