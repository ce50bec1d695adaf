import type { Clock } from '../../clock/clock.js';
import type { Action } from './action.js';
import { planBlueGreen } from './plan-blue-green.js';
import { planCanary } from './plan-canary.js';
import { planRecreate } from './plan-recreate.js';
import { planRolling } from './plan-rolling.js';
import type { RolloutEvent, RolloutState } from './rollout-state.js';
import type { StrategySpec } from './strategy-spec.js';

/**
 * The next step of a rollout under any strategy. Pure and deterministic: the same state, history and
 * time give the same actions; the deploy controller applies them, records what it must (see
 * RolloutEvent) and calls again on every change until markSucceeded or markFailed.
 */
export function planNextActions(state: RolloutState, spec: StrategySpec, events: readonly RolloutEvent[], clock: Clock): Action[] {
  switch (spec.type) {
    case 'recreate':
      return planRecreate(state, spec, events, clock);
    case 'rolling':
      return planRolling(state, spec, events, clock);
    case 'blueGreen':
      return planBlueGreen(state, spec, events, clock);
    case 'canary':
      return planCanary(state, spec, events, clock);
  }
}
