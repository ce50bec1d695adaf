import type { Action } from './action.js';
import { checkProgress, replicasOf } from './check-progress.js';
import type { RolloutEvent, RolloutState } from './rollout-state.js';
import { allTo, weightsEqual } from './weights.js';

/** The first abort's reason, or undefined while the rollout goes on. */
export function abortReason(events: readonly RolloutEvent[]): string | undefined {
  for (const event of events) if (event.type === 'aborted') return event.reason;
  return undefined;
}

/**
 * Gives up on the new release now: traffic back to stable in the same breath (when stable can take
 * it), then the `rollback` marker, which the controller records as an `aborted` event so later calls
 * continue through planAbort.
 */
export function rollbackNow(state: RolloutState, reason: string): Action[] {
  const stable = state.stableVersion;
  const actions: Action[] = [];
  const stableReady = stable !== null && state.running.some((replica) => replica.version === stable && replica.ready);
  if (stable !== null && stableReady && !weightsEqual(state.weights, allTo(stable, state.newVersion))) {
    actions.push({ type: 'setWeights', service: state.service, weights: allTo(stable, state.newVersion) });
  }
  actions.push({ type: 'rollback', reason });
  return actions;
}

/**
 * An aborted rollout, one step per call: (1) the new release's weight to 0 at once, if stable has a
 * ready replica to take it; (2) stop the new release; (3) bring stable back to its replica count;
 * (4) weights to stable if (1) could not happen; (5) markFailed. This is the fastest path for
 * recreate, blue-green (blue is still up: (1) is the whole switchback) and canary; rolling reverses
 * its update instead (see planRolling).
 */
export function planAbort(state: RolloutState, reason: string, deadlineMs: number, nowMs: number): Action[] {
  const stable = state.stableVersion;
  const fresh = replicasOf(state.running, state.newVersion);
  if (stable === null) {
    if (fresh.length > 0) return [{ type: 'stopReplicas', ids: fresh.map((replica) => replica.id) }];
    return [{ type: 'markFailed', reason }];
  }
  const back = allTo(stable, state.newVersion);
  const old = replicasOf(state.running, stable);
  const setBack: Action = { type: 'setWeights', service: state.service, weights: back };
  if (old.some((replica) => replica.ready) && !weightsEqual(state.weights, back)) return [setBack];
  if (fresh.length > 0) return [{ type: 'stopReplicas', ids: fresh.map((replica) => replica.id) }];
  if (old.length < state.replicas) return [{ type: 'startReplicas', version: stable, count: state.replicas - old.length }];
  const progress = checkProgress(old, deadlineMs, nowMs);
  if (progress.kind === 'waiting') return [{ type: 'waitUntil', timeMs: progress.untilMs, reason: `rolling back: ${stable} to become ready` }];
  if (!weightsEqual(state.weights, back)) return [setBack];
  const suffix = progress.kind === 'stuck' ? `; and the stable release is not healthy either: ${progress.reason}` : '';
  return [{ type: 'markFailed', reason: reason + suffix }];
}
