import type { BlobStore } from '../../blobs/index.js';
import type { Clock } from '../../clock/clock.js';
import type { Metrics } from '../../metrics/index.js';
import type { Db } from '../../store/index.js';
import type { DeployLock } from '../lock/deploy-lock.js';
import type { RouterBackend, TrafficRouter } from '../router/router.js';
import type { ReplicaFailure, Target } from '../targets/target.js';
import type { CanaryLink } from './canary-link.js';
import type { TelemetryWindow } from './telemetry-window.js';
import type { Wakers } from './wakers.js';

/** What every deployment loop of one controller shares: its target, router, store and timings. */
export interface ControllerRuntime {
  db: Db;
  clock: Clock;
  blobs: BlobStore;
  /** Releases are materialized under `<dataDir>/releases`. */
  dataDir: string;
  lock: DeployLock;
  target: Target;
  router: TrafficRouter;
  telemetry: TelemetryWindow;
  wakers: Wakers;
  /** Longest sleep of a loop between two looks at the store (signals written by other server replicas). */
  pollMs: number;
  /** Between taking replicas out of the router and stopping them, so requests in flight can finish. */
  drainMs: number;
  lockTtlMs: number;
  /** Failures of replicas that exited before they were ever ready, by replica id (from target events). */
  failures: Map<string, ReplicaFailure>;
  /** Replicas about to stop: kept out of the router whatever their state. */
  draining: Set<string>;
  /** service → the version being rolled out; its backends get the canary track. */
  rollingOut: Map<string, string>;
  /** The canary engine that judges `analysis` steps; absent: the health threshold (run-health-analysis.ts). */
  canary?: CanaryLink;
  /** service → the canary rollout id its router telemetry is published under (only while one runs). */
  canaryRollouts: Map<string, string>;
  /** Set by close(): loops stop at their next pass. */
  closed: boolean;
  /** Deployments finished by environment and status; absent: not counted. */
  metrics?: Metrics;
  /** Lines about each deployment's course, with its deploymentId (pino's shape). */
  logger?: DeployLogger;
}

export interface DeployLogger {
  info(object: object, message: string): void;
}

/**
 * Makes the router's backends of `service` the target's ready replicas of it (any version), minus
 * those draining. Called on every replica event and before every weight change, so traffic only ever
 * goes to replicas whose readiness probe passes.
 */
export async function syncBackends(rt: ControllerRuntime, service: string, replicasOf = service): Promise<void> {
  const rolling = rt.rollingOut.get(replicasOf);
  const backends: RouterBackend[] = rt.target
    .listReplicas()
    .filter((replica) => replica.service === replicasOf && replica.state === 'ready' && !rt.draining.has(replica.id))
    .map((replica) => ({
      id: replica.id,
      version: replica.version,
      track: replica.version === rolling ? 'canary' : 'stable',
      host: replica.host,
      port: replica.port,
    }));
  await rt.router.setBackends(service, backends);
}
