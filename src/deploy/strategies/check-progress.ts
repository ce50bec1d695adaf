import type { ReplicaView } from './rollout-state.js';

export type Progress =
  | { kind: 'ready' }
  /** Some are not ready yet; look again at untilMs (the earliest deadline) at the latest. */
  | { kind: 'waiting'; untilMs: number }
  /** A replica failed or missed its deadline: roll back. */
  | { kind: 'stuck'; reason: string };

/**
 * Readiness of `replicas` against the progress deadline, which counts from each replica's own start,
 * so a replica restarted late in a long rollout gets its full time.
 */
export function checkProgress(replicas: readonly ReplicaView[], deadlineMs: number, nowMs: number): Progress {
  const failed = replicas.find((replica) => replica.failed);
  if (failed) return { kind: 'stuck', reason: `replica ${failed.id} of ${failed.version} failed before it was ever ready` };
  const pending = replicas.filter((replica) => !replica.ready);
  if (pending.length === 0) return { kind: 'ready' };
  const untilMs = Math.min(...pending.map((replica) => replica.startedAtMs + deadlineMs));
  if (nowMs >= untilMs) {
    const late = pending.find((replica) => replica.startedAtMs + deadlineMs === untilMs)!;
    return {
      kind: 'stuck',
      reason: `replica ${late.id} of ${late.version} was not ready within progressDeadlineSeconds (${deadlineMs / 1000} s)`,
    };
  }
  return { kind: 'waiting', untilMs };
}

/** Replicas of `version`, those not ready first, then by id: stop order is deterministic. */
export function replicasOf(running: readonly ReplicaView[], version: string): ReplicaView[] {
  return running
    .filter((replica) => replica.version === version)
    .sort((a, b) => Number(a.ready) - Number(b.ready) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
