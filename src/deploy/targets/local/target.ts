import { type Clock, systemClock } from '../../../clock/clock.js';
import { AppError, ErrorCode } from '../../../errors/app-error.js';
import { waitForReplicaReady } from '../wait-for-ready.js';
import type { Replica, ReplicaEvent, ReplicaEventListener, StopOutcome, Target, TargetRelease } from '../target.js';
import { findFreePort } from './find-free-port.js';
import { createReplicaRecords } from './replica-records.js';
import { type SupervisedReplica, superviseReplica } from './supervise-replica.js';

export interface LocalTargetOptions {
  /** Env every replica starts from, e.g. {PATH, HOME} resolved by config/; default {} (bash's own PATH). */
  baseEnv?: Record<string, string>;
  /** Called for every replica event; must not throw. */
  onEvent?: ReplicaEventListener;
  /** Raw output chunks, for the log pipeline. */
  onOutput?(replicaId: string, stream: 'stdout' | 'stderr', chunk: Buffer): void;
  clock?: Clock;
  /**
   * Where each replica's process group is recorded while it runs (a file per replica), so a server
   * restarted after `kill -9` can stop what it left behind (reapOrphanReplicas). Absent: not recorded.
   */
  recordsDir?: string;
  /**
   * The address replicas listen on ($HOST of their command, with $PORT) and are reached at: the
   * router and the probes use it. Default 127.0.0.1; a deploy agent on another host than the server
   * sets an address of its own that the server can reach (`slipway agent --replica-host`).
   */
  host?: string;
}

/** Replicas as supervised processes on this host, each on its own port of `host` (default 127.0.0.1). */
export function createLocalTarget(options: LocalTargetOptions = {}): Target {
  const clock = options.clock ?? systemClock;
  const HOST = options.host ?? '127.0.0.1';
  const replicas = new Map<string, SupervisedReplica>();
  const waiters = new Set<ReplicaEventListener>();
  let closed = false;
  const records = options.recordsDir === undefined ? undefined : createReplicaRecords(options.recordsDir);

  const onEvent = (event: ReplicaEvent) => {
    if (event.type === 'stopped') replicas.delete(event.replica.id);
    options.onEvent?.(event);
    for (const waiter of [...waiters]) waiter(event);
  };

  const find = (id: string): SupervisedReplica => {
    const replica = replicas.get(id);
    if (!replica) throw new AppError(ErrorCode.notFound, `no replica ${id} on the local target; listReplicas() shows the running ones`);
    return replica;
  };

  return {
    kind: 'local',

    async startReplica(release: TargetRelease, index: number): Promise<Replica> {
      if (closed) throw new AppError(ErrorCode.failedPrecondition, 'the local target is closed');
      const id = `${release.service.name}-${release.version}-${index}`;
      if (replicas.has(id)) throw new AppError(ErrorCode.alreadyExists, `replica ${id} is already running; stop it first`);
      const port = release.service.port === 'free' ? await findFreePort(HOST) : release.service.port;
      // Checked again: another start of the same id may have run while we waited for the port.
      if (replicas.has(id)) throw new AppError(ErrorCode.alreadyExists, `replica ${id} is already running; stop it first`);
      const supervised = superviseReplica({
        id,
        release,
        index,
        host: HOST,
        port,
        baseEnv: options.baseEnv ?? {},
        onEvent,
        ...(options.onOutput ? { onOutput: options.onOutput } : {}),
        now: () => clock.now(),
        ...(records ? { records } : {}),
      });
      replicas.set(id, supervised);
      return supervised.snapshot();
    },

    waitForReady(id, { timeoutMs }) {
      return waitForReplicaReady({ id, current: find(id).snapshot(), waiters, stateOf: () => replicas.get(id)?.snapshot().state, timeoutMs });
    },

    async stopReplica(id, stopOptions = {}): Promise<StopOutcome> {
      const replica = find(id);
      return replica.stop(stopOptions.timeoutMs ?? replica.stopTimeoutMs);
    },

    listReplicas() {
      return [...replicas.values()].map((replica) => replica.snapshot()).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async close() {
      closed = true;
      await Promise.all([...replicas.values()].map((replica) => replica.stop(replica.stopTimeoutMs)));
    },
  };
}
