import { replicasOf } from './check-progress.js';
import type { ReplicaView } from './rollout-state.js';
import type { CountOrPercent, RollingSpec } from './strategy-spec.js';

export interface RollingLimits {
  /** Replicas allowed above the desired count. */
  surge: number;
  /** Ready replicas allowed below the desired count. */
  unavailable: number;
}

/** Kubernetes' rounding: surge up, unavailable down; both 0 would deadlock, so unavailable becomes 1. */
export function resolveRollingLimits(spec: Pick<RollingSpec, 'maxSurge' | 'maxUnavailable'>, replicas: number): RollingLimits {
  const resolve = (value: CountOrPercent, round: (n: number) => number) =>
    'count' in value ? value.count : round((value.percent * replicas) / 100);
  const surge = resolve(spec.maxSurge, Math.ceil);
  const unavailable = resolve(spec.maxUnavailable, Math.floor);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export interface RollingScale {
  stopIds: string[];
  startCount: number;
  /** Exactly `replicas` replicas of `to`, all ready, and nothing else. */
  done: boolean;
}

/**
 * One scaling step towards `replicas` ready replicas of `to`, within the limits: after the stops at
 * most replicas + surge exist, and at least replicas − unavailable stay ready (if that many were).
 * Old replicas that are not ready are stopped first: they cost surge room and carry no traffic.
 */
export function planRollingScale(running: readonly ReplicaView[], to: string, replicas: number, limits: RollingLimits): RollingScale {
  const fresh = replicasOf(running, to);
  const old = running
    .filter((replica) => replica.version !== to)
    .sort((a, b) => Number(a.ready) - Number(b.ready) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const readyTotal = running.filter((replica) => replica.ready).length;
  let spareReady = Math.max(0, readyTotal - (replicas - limits.unavailable));
  const stop: ReplicaView[] = [];
  for (const replica of old) {
    if (!replica.ready) stop.push(replica);
    else if (spareReady > 0) {
      stop.push(replica);
      spareReady -= 1;
    }
  }
  // A desired count lowered mid-rollout (more `to` replicas than wanted) is not handled here: a
  // rollout has a fixed replica count, and a later scale operation trims the surplus.
  const totalAfter = running.length - stop.length;
  const startCount = Math.max(0, Math.min(replicas + limits.surge - totalAfter, replicas - fresh.length));
  const done = old.length === 0 && fresh.length >= replicas && fresh.every((replica) => replica.ready);
  return { stopIds: stop.map((replica) => replica.id), startCount, done };
}
