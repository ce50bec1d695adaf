/**
 * deploy/strategies — pure planners that decide a rollout's next step under recreate, rolling,
 * blue-green or canary. No I/O: the deploy controller applies the actions to a target and a router.
 */
export type { Action, ActionType } from './action.js';
export { PRE_PROMOTION_KEY } from './plan-blue-green.js';
export { canaryReplicasFor } from './plan-canary.js';
export { planNextActions } from './plan-next-actions.js';
export { resolveRollingLimits, type RollingLimits } from './plan-rolling-scale.js';
export type { ReplicaView, RolloutEvent, RolloutState } from './rollout-state.js';
export {
  type BlueGreenSpec,
  type CanarySpec,
  type CanaryStep,
  type CountOrPercent,
  parseStrategySpec,
  type RecreateSpec,
  type RollingSpec,
  type StrategySpec,
  type StrategySpecInput,
  strategySpecSchema,
} from './strategy-spec.js';
