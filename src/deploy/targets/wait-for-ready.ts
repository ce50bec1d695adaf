import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Replica, ReplicaEventListener, ReplicaState } from './target.js';

export function failedError(replica: Replica): AppError {
  return new AppError(ErrorCode.failedPrecondition, replica.failure?.message ?? `replica ${replica.id} failed`, {
    details: { replicaId: replica.id, failure: replica.failure },
  });
}

/**
 * Target.waitForReady over a target's own replica events: resolves on `ready`, rejects on `failed`,
 * `stopped` or the timeout. `current` is the replica's snapshot now; `stateOf` reads it at the timeout.
 */
export function waitForReplicaReady(input: {
  id: string;
  current: Replica;
  waiters: Set<ReplicaEventListener>;
  stateOf: () => ReplicaState | undefined;
  timeoutMs: number;
}): Promise<Replica> {
  const { id, current, waiters, timeoutMs } = input;
  if (current.state === 'ready') return Promise.resolve(current);
  if (current.state === 'failed') return Promise.reject(failedError(current));
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(waiter);
    };
    const waiter: ReplicaEventListener = (event) => {
      if (event.replica.id !== id) return;
      if (event.type === 'ready') {
        done();
        resolve(event.replica);
      } else if (event.type === 'failed') {
        done();
        reject(failedError(event.replica));
      } else if (event.type === 'stopped') {
        done();
        reject(new AppError(ErrorCode.failedPrecondition, `replica ${id} was stopped before it became ready`));
      }
    };
    const timer = setTimeout(() => {
      done();
      const state = input.stateOf() ?? 'stopped';
      reject(new AppError(ErrorCode.unavailable, `replica ${id} was not ready within ${timeoutMs} ms (state ${state}); check its readiness path and logs`));
    }, timeoutMs);
    waiters.add(waiter);
  });
}
