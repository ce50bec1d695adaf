import type { Clock } from '../../clock/clock.js';
import type { Action } from './action.js';
import { checkProgress, replicasOf } from './check-progress.js';
import { abortReason, planAbort, rollbackNow } from './plan-abort.js';
import { planRollingScale, resolveRollingLimits } from './plan-rolling-scale.js';
import type { RolloutEvent, RolloutState } from './rollout-state.js';
import type { RollingSpec } from './strategy-spec.js';
import { allTo, proportionalWeights, weightsEqual } from './weights.js';

/**
 * Replaces old replicas with new ones a few at a time (maxSurge above, maxUnavailable below the
 * desired count), each new one gated on readiness. Traffic follows ready replicas: weights are
 * proportional to each version's ready count. A new replica that fails or is not ready within the
 * progress deadline rolls back: traffic to stable at once, then the same update in reverse, so the
 * rollback honours maxSurge/maxUnavailable too (stable was scaled down, it has to come back).
 */
export function planRolling(state: RolloutState, spec: RollingSpec, events: readonly RolloutEvent[], clock: Clock): Action[] {
  const now = clock.now();
  const limits = resolveRollingLimits(spec, state.replicas);
  const stable = state.stableVersion;
  const aborted = abortReason(events);
  if (aborted !== undefined && stable === null) return planAbort(state, aborted, spec.progressDeadlineMs, now);

  const to = aborted === undefined ? state.newVersion : (stable as string);
  if (aborted === undefined) {
    const progress = checkProgress(replicasOf(state.running, to), spec.progressDeadlineMs, now);
    if (progress.kind === 'stuck') return rollbackNow(state, progress.reason);
  }

  const scale = planRollingScale(state.running, to, state.replicas, limits);
  const stopping = new Set(scale.stopIds);
  const staying = state.running.filter((replica) => !stopping.has(replica.id));
  const weights =
    aborted === undefined ? weightsByReadyCount(state, staying) : staying.some((r) => r.version === to && r.ready) ? allTo(to, state.newVersion) : {};

  const actions: Action[] = [];
  if (Object.keys(weights).length > 0 && !weightsEqual(state.weights, weights)) {
    actions.push({ type: 'setWeights', service: state.service, weights });
  }
  if (scale.stopIds.length > 0) actions.push({ type: 'stopReplicas', ids: scale.stopIds });
  if (scale.startCount > 0) actions.push({ type: 'startReplicas', version: to, count: scale.startCount });
  if (actions.length > 0) return actions;

  if (scale.done) return aborted === undefined ? [{ type: 'markSucceeded' }] : [{ type: 'markFailed', reason: aborted }];
  const progress = checkProgress(replicasOf(state.running, to), spec.progressDeadlineMs, now);
  if (progress.kind === 'waiting') return [{ type: 'waitUntil', timeMs: progress.untilMs, reason: `${to} to become ready` }];
  // Only reachable while rolling back to a stable release that does not become ready either.
  const why = progress.kind === 'stuck' ? progress.reason : 'no progress possible';
  return [{ type: 'markFailed', reason: `${aborted ?? 'rolling update stalled'}; and the stable release is not healthy either: ${why}` }];
}

/** Stable first in the list, so a tie in rounding favours the release known to be good. */
function weightsByReadyCount(state: RolloutState, staying: readonly RolloutState['running'][number][]) {
  const versions = [...new Set([state.stableVersion, ...staying.map((replica) => replica.version), state.newVersion])].filter(
    (version): version is string => version !== null,
  );
  return proportionalWeights(
    versions.map((version) => [version, staying.filter((replica) => replica.version === version && replica.ready).length]),
  );
}
