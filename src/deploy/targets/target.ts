/**
 * Where a release's replicas run. The local target supervises processes on this host; a Kubernetes
 * target (planned) would map a replica to a pod. Strategies never see a target: the deploy controller
 * turns their actions into these calls and feeds replica states back into the planners.
 */
import type { ServiceSpec } from './service-spec.js';

/** One release as a target runs it: a version of a service, with its files in `workdir`. */
export interface TargetRelease {
  version: string;
  service: ServiceSpec;
  /** The release's checked-out/unpacked directory; the start command runs here. */
  workdir: string;
  /**
   * sha256 of the release files' archive in the blob store. Targets whose replicas run on other hosts
   * (agents) fetch the files by it instead of reading `workdir`, which is on the server's host.
   */
  digest?: string;
}

/**
 * - starting: running (or restarting), not yet ready
 * - ready: its readiness probe passed; may take traffic
 * - unhealthy: it was ready, then readiness failed `failureThreshold` times (or liveness did, just
 *   before a restart)
 * - crashed: it exited on its own after having been ready; a restart is pending
 * - failed: it exited before it was ever ready on its first start; not restarted (see `failure`)
 * - stopping / stopped: stopReplica was called / its processes are gone
 */
export type ReplicaState = 'starting' | 'ready' | 'unhealthy' | 'crashed' | 'failed' | 'stopping' | 'stopped';

export interface ReplicaFailure {
  exitCode: number | null;
  exitSignal: string | null;
  /** Last lines of stderr, secrets masked. */
  stderrTail: string[];
  /** What went wrong and what to do, e.g. that the port was already in use. */
  message: string;
}

/** A snapshot; targets hand out copies, never live objects. */
export interface Replica {
  /** Unique within the target: `<service>-<version>-<index>`. */
  id: string;
  service: string;
  version: string;
  index: number;
  host: string;
  port: number;
  url: string;
  state: ReplicaState;
  /** Restarts after crashes or liveness failures. */
  restarts: number;
  /** When the replica was first started, ms since the Unix epoch. */
  startedAtMs: number;
  /** Set when it last became ready. */
  readyAtMs?: number;
  /** Process group id where the target has one (local). */
  pid?: number;
  failure?: ReplicaFailure;
}

export type ReplicaEventType = 'ready' | 'unhealthy' | 'crashed' | 'restarted' | 'failed' | 'stopped';

export interface ReplicaEvent {
  type: ReplicaEventType;
  replica: Replica;
  timeMs: number;
  /** Human-readable cause, e.g. `exit code 1`, `liveness failed 3 times: HTTP 500`. */
  detail?: string;
}

export interface StopReplicaOptions {
  /** Between the polite and the forced stop; default: the service's stopTimeoutMs. */
  timeoutMs?: number;
}

export interface StopOutcome {
  /** True when the replica had to be killed after timeoutMs. */
  forced: boolean;
}

export interface WaitForReadyOptions {
  timeoutMs: number;
}

export interface Target {
  readonly kind: string;
  /**
   * Starts replica `index` of a release and resolves once it is running (state 'starting'); the
   * 'ready' event follows. Rejects with AppError(already_exists) when that replica already runs.
   */
  startReplica(release: TargetRelease, index: number): Promise<Replica>;
  /**
   * Resolves when the replica is ready. Rejects with AppError(failed_precondition) carrying the
   * failure's message when it failed or was stopped, or (unavailable) after timeoutMs.
   */
  waitForReady(id: string, options: WaitForReadyOptions): Promise<Replica>;
  /** Polite stop, forced after the timeout; resolves when none of its processes is left. */
  stopReplica(id: string, options?: StopReplicaOptions): Promise<StopOutcome>;
  /** Every replica not yet stopped, ordered by id. */
  listReplicas(): Replica[];
  /** Stops every replica (in parallel) and refuses new ones. */
  close(): Promise<void>;
}

export type ReplicaEventListener = (event: ReplicaEvent) => void;
