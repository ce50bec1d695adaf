import type { Clock } from '../../clock/clock.js';
import type { Action } from './action.js';
import { checkProgress, replicasOf } from './check-progress.js';
import { abortReason, planAbort, rollbackNow } from './plan-abort.js';
import type { RolloutEvent, RolloutState } from './rollout-state.js';
import type { BlueGreenSpec } from './strategy-spec.js';
import { allTo, weightsEqual } from './weights.js';

/**
 * Green (the new release) comes up in full beside blue (stable), is checked (readiness, the optional
 * preview service, the optional pre-promotion analysis, the optional manual promote), then takes all
 * traffic in one setWeights. Blue stays up for scaleDownDelay, so switching back in that time is a
 * single setWeights as well (planAbort's first step).
 */
export function planBlueGreen(state: RolloutState, spec: BlueGreenSpec, events: readonly RolloutEvent[], clock: Clock): Action[] {
  const now = clock.now();
  const aborted = abortReason(events);
  if (aborted !== undefined) return planAbort(state, aborted, spec.progressDeadlineMs, now);
  const green = state.newVersion;
  const blue = state.stableVersion;

  const greens = replicasOf(state.running, green);
  if (greens.length < state.replicas) return [{ type: 'startReplicas', version: green, count: state.replicas - greens.length }];
  const progress = checkProgress(greens, spec.progressDeadlineMs, now);
  if (progress.kind === 'stuck') return rollbackNow(state, progress.reason);
  if (progress.kind === 'waiting') return [{ type: 'waitUntil', timeMs: progress.untilMs, reason: `green (${green}) to become ready` }];

  const active = allTo(green, blue);
  const switched = weightsEqual(state.weights, active);
  if (!switched) {
    if (spec.previewService !== undefined && !weightsEqual(state.previewWeights, allTo(green))) {
      return [{ type: 'setWeights', service: spec.previewService, weights: allTo(green) }];
    }
    if (spec.prePromotionAnalysis !== undefined && blue !== null) {
      const result = events.find((event) => event.type === 'analysisCompleted' && event.key === PRE_PROMOTION_KEY);
      if (result === undefined) return [{ type: 'runAnalysis', key: PRE_PROMOTION_KEY, spec: spec.prePromotionAnalysis }];
      if (result.type === 'analysisCompleted' && !result.passed) {
        return rollbackNow(state, `pre-promotion analysis failed${result.reason ? `: ${result.reason}` : ''}`);
      }
    }
    if (!spec.autoPromotionEnabled && blue !== null && !events.some((event) => event.type === 'promoted')) {
      return [{ type: 'waitForPromotion', reason: `green (${green}) is ready; run slipway promote to switch traffic from ${blue}` }];
    }
    return [{ type: 'setWeights', service: state.service, weights: active }];
  }

  const blues = state.running.filter((replica) => replica.version !== green);
  if (blues.length > 0) {
    const scaleDownAtMs = switchedAtMs(events, state) + spec.scaleDownDelayMs;
    if (now < scaleDownAtMs) return [{ type: 'waitUntil', timeMs: scaleDownAtMs, reason: 'scaleDownDelay: blue kept for an instant switchback' }];
    return [{ type: 'stopReplicas', ids: blues.map((replica) => replica.id) }];
  }
  return [{ type: 'markSucceeded' }];
}

export const PRE_PROMOTION_KEY = 'pre-promotion';

/** When the active service last got all-green weights; the rollout's start if that was never recorded. */
function switchedAtMs(events: readonly RolloutEvent[], state: RolloutState): number {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i]!;
    if (event.type === 'weightsSet' && event.service === state.service && (event.weights[state.newVersion] ?? 0) === 100) return event.timeMs;
  }
  return state.startedAtMs;
}
