import type { Clock } from '../../clock/clock.js';
import type { Action } from './action.js';
import { checkProgress, replicasOf } from './check-progress.js';
import { abortReason, planAbort, rollbackNow } from './plan-abort.js';
import type { RolloutEvent, RolloutState } from './rollout-state.js';
import type { CanarySpec } from './strategy-spec.js';
import { allTo, weightsEqual } from './weights.js';

/**
 * Argo-Rollouts-style canary: the steps run in order, each finished by an event in the history —
 * setWeight by the `weightsSet` it asked for, a timed pause by the clock (or a promote), `pause: {}`
 * by a promote, analysis by its `analysisCompleted`. Walking the steps over the history each call
 * (rather than storing a step index) keeps the planner a pure function of what happened.
 * After the last step, or on `promote --full`, the canary becomes the whole release.
 * Abort: canary weight 0 first, then scale down (planAbort).
 */
export function planCanary(state: RolloutState, spec: CanarySpec, events: readonly RolloutEvent[], clock: Clock): Action[] {
  const now = clock.now();
  const aborted = abortReason(events);
  if (aborted !== undefined) return planAbort(state, aborted, spec.progressDeadlineMs, now);
  const stable = state.stableVersion;
  // With nothing to compare against (first deploy) a canary has no meaning: go straight to full.
  if (stable === null || events.some((event) => event.type === 'promoted' && event.full)) return planFullPromotion(state, spec, now);

  let cursor = -1;
  let cursorMs = state.startedAtMs;
  const nextIndex = (match: (event: RolloutEvent) => boolean) => events.findIndex((event, i) => i > cursor && match(event));
  for (const [i, step] of spec.steps.entries()) {
    const label = `step ${i + 1}/${spec.steps.length}`;
    if ('setWeight' in step) {
      const found = nextIndex((e) => e.type === 'weightsSet' && e.service === state.service && (e.weights[state.newVersion] ?? 0) === step.setWeight);
      if (found < 0) return planSetWeight(state, spec, step.setWeight, now);
      cursor = found;
      cursorMs = events[found]!.timeMs;
    } else if ('pause' in step) {
      // A promote ends this pause only if it came while the pause lasted; a later one belongs to a
      // later pause.
      const endMs = step.pause.durationMs === undefined ? Number.POSITIVE_INFINITY : cursorMs + step.pause.durationMs;
      const promoted = nextIndex((e) => e.type === 'promoted' && e.timeMs < endMs);
      if (promoted >= 0) {
        cursor = promoted;
        cursorMs = events[promoted]!.timeMs;
      } else if (step.pause.durationMs === undefined) {
        return [{ type: 'waitForPromotion', reason: `${label}: paused until slipway promote` }];
      } else if (now < endMs) {
        return [{ type: 'waitUntil', timeMs: endMs, reason: `${label}: pause` }];
      } else {
        cursorMs = endMs;
      }
    } else {
      const key = `step-${i}`;
      const found = nextIndex((e) => e.type === 'analysisCompleted' && e.key === key);
      if (found < 0) return [{ type: 'runAnalysis', key, spec: step.analysis }];
      const result = events[found]!;
      if (result.type === 'analysisCompleted' && !result.passed) {
        return rollbackNow(state, `${label}: analysis failed${result.reason ? `: ${result.reason}` : ''}`);
      }
      cursor = found;
      cursorMs = result.timeMs;
    }
  }
  return planFullPromotion(state, spec, now);
}

/** Enough canary replicas for `weight` percent of the desired count, at least one. */
export function canaryReplicasFor(weight: number, replicas: number): number {
  return weight === 0 ? 0 : Math.max(1, Math.ceil((weight * replicas) / 100));
}

function planSetWeight(state: RolloutState, spec: CanarySpec, weight: number, now: number): Action[] {
  const canaries = replicasOf(state.running, state.newVersion);
  const wanted = canaryReplicasFor(weight, state.replicas);
  const gate = gateOnReadiness(state, spec, canaries, now);
  if (gate) return gate;
  if (canaries.length < wanted) return [{ type: 'startReplicas', version: state.newVersion, count: wanted - canaries.length }];
  return [{ type: 'setWeights', service: state.service, weights: { [state.stableVersion as string]: 100 - weight, [state.newVersion]: weight } }];
}

function planFullPromotion(state: RolloutState, spec: CanarySpec, now: number): Action[] {
  const canaries = replicasOf(state.running, state.newVersion);
  if (canaries.length < state.replicas) return [{ type: 'startReplicas', version: state.newVersion, count: state.replicas - canaries.length }];
  const gate = gateOnReadiness(state, spec, canaries, now);
  if (gate) return gate;
  const full = allTo(state.newVersion, state.stableVersion);
  if (!weightsEqual(state.weights, full)) return [{ type: 'setWeights', service: state.service, weights: full }];
  const old = state.running.filter((replica) => replica.version !== state.newVersion);
  if (old.length > 0) return [{ type: 'stopReplicas', ids: old.map((replica) => replica.id) }];
  return [{ type: 'markSucceeded' }];
}

/** Actions while canary replicas are not all ready (wait, or roll back past the deadline); else undefined. */
function gateOnReadiness(state: RolloutState, spec: CanarySpec, canaries: RolloutState['running'], now: number): Action[] | undefined {
  const progress = checkProgress(canaries, spec.progressDeadlineMs, now);
  if (progress.kind === 'stuck') return rollbackNow(state, progress.reason);
  if (progress.kind === 'waiting') return [{ type: 'waitUntil', timeMs: progress.untilMs, reason: `canary (${state.newVersion}) to become ready` }];
  return undefined;
}
