import type { Clock } from '../../clock/clock.js';
import type { Action } from './action.js';
import { checkProgress, replicasOf } from './check-progress.js';
import { abortReason, planAbort, rollbackNow } from './plan-abort.js';
import type { RolloutEvent, RolloutState } from './rollout-state.js';
import type { RecreateSpec } from './strategy-spec.js';
import { allTo, weightsEqual } from './weights.js';

/**
 * Stop every old replica, then start the new ones: downtime, but never two versions at once (for
 * releases that cannot share a database schema). A rollback has to start the old release again.
 */
export function planRecreate(state: RolloutState, spec: RecreateSpec, events: readonly RolloutEvent[], clock: Clock): Action[] {
  const now = clock.now();
  const aborted = abortReason(events);
  if (aborted !== undefined) return planAbort(state, aborted, spec.progressDeadlineMs, now);

  const old = state.running.filter((replica) => replica.version !== state.newVersion);
  if (old.length > 0) return [{ type: 'stopReplicas', ids: old.map((replica) => replica.id) }];

  const fresh = replicasOf(state.running, state.newVersion);
  if (fresh.length < state.replicas) return [{ type: 'startReplicas', version: state.newVersion, count: state.replicas - fresh.length }];
  const progress = checkProgress(fresh, spec.progressDeadlineMs, now);
  if (progress.kind === 'stuck') return rollbackNow(state, progress.reason);
  if (progress.kind === 'waiting') return [{ type: 'waitUntil', timeMs: progress.untilMs, reason: `${state.newVersion} to become ready` }];

  const target = allTo(state.newVersion, state.stableVersion);
  if (!weightsEqual(state.weights, target)) return [{ type: 'setWeights', service: state.service, weights: target }];
  return [{ type: 'markSucceeded' }];
}
