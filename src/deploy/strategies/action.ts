import type { RouterWeights } from '../router/router.js';

/**
 * What a planner asks the deploy controller to do next, applied in order. Planners are called again
 * after every change (replica ready, event appended, waitUntil reached), so each call returns only
 * the next step; applying an action twice must be harmless (setWeights, stopReplicas of gone ids,
 * runAnalysis of a key already running).
 */
export type Action =
  | { type: 'startReplicas'; version: string; count: number }
  | { type: 'stopReplicas'; ids: string[] }
  /** `service` is the rollout's service, or a blue-green preview service. */
  | { type: 'setWeights'; service: string; weights: RouterWeights }
  /** Nothing to do before timeMs unless something changes; call the planner again then. */
  | { type: 'waitUntil'; timeMs: number; reason: string }
  /** Held until a `promoted` event. */
  | { type: 'waitForPromotion'; reason: string }
  /** Start the analysis once per key; its result comes back as an `analysisCompleted` event. */
  | { type: 'runAnalysis'; key: string; spec: Record<string, unknown> }
  | { type: 'markSucceeded' }
  | { type: 'markFailed'; reason: string }
  /** The planner gave up on the new release: record it as an `aborted` event. */
  | { type: 'rollback'; reason: string };

export type ActionType = Action['type'];
