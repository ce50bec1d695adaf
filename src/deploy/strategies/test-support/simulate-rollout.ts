/**
 * A fake deploy controller for planner tests: applies actions to an in-memory state the way the real
 * one will (records weightsSet / aborted, answers analyses and promotions), makes replicas ready after
 * a chosen delay, and jumps the manual clock on waitUntil. Returns the trace for table tests.
 */
import { createManualClock, type ManualClock } from '../../../clock/clock.js';
import type { Action } from '../action.js';
import { planNextActions } from '../plan-next-actions.js';
import type { ReplicaView, RolloutEvent, RolloutState } from '../rollout-state.js';
import type { StrategySpec } from '../strategy-spec.js';

/** ms until ready; 'never' stays not-ready; 'fail' is reported failed at once. */
export type Readiness = number | 'never' | 'fail';

export interface SimulateOptions {
  spec: StrategySpec;
  stableVersion?: string | null;
  newVersion?: string;
  replicas: number;
  /** Readiness of each started replica, by id (`v2-0`, `v2-1`...); default 1000 ms. */
  readiness?: (id: string, version: string) => Readiness;
  /** Runs before every planner call; may append events (abort, promote) to sim.events. */
  beforePlan?: (sim: Simulation) => void;
  /** Runs after every applied action, e.g. to check invariants. */
  afterAction?: (sim: Simulation, action: Action) => void;
  /** Default: every analysis passes. */
  analysisPasses?: (key: string) => boolean;
  /** Default: a promotion arrives right away. */
  promote?: (sim: Simulation) => boolean;
  maxCalls?: number;
}

export interface Simulation {
  state: RolloutState;
  events: RolloutEvent[];
  clock: ManualClock;
  /** One entry per planner call: the time and the actions it returned. */
  trace: { timeMs: number; actions: Action[] }[];
  outcome?: { type: 'succeeded' } | { type: 'failed'; reason: string };
}

export function simulateRollout(options: SimulateOptions): Simulation {
  const stable = options.stableVersion === undefined ? 'v1' : options.stableVersion;
  const clock = createManualClock(0);
  const readyAt = new Map<string, number>();
  const running: ReplicaView[] =
    stable === null
      ? []
      : Array.from({ length: options.replicas }, (_, i) => ({ id: `${stable}-${i}`, version: stable, ready: true, startedAtMs: -60_000 }));
  const sim: Simulation = {
    state: {
      service: 'web',
      stableVersion: stable,
      newVersion: options.newVersion ?? 'v2',
      replicas: options.replicas,
      startedAtMs: 0,
      running,
      weights: stable === null ? {} : { [stable]: 100 },
    },
    events: [],
    clock,
    trace: [],
  };
  const started = new Map<string, number>();
  const refresh = () => {
    for (const replica of sim.state.running) {
      const at = readyAt.get(replica.id);
      if (at !== undefined && at <= clock.now()) replica.ready = true;
    }
  };

  for (let call = 0; call < (options.maxCalls ?? 500) && !sim.outcome; call += 1) {
    refresh();
    options.beforePlan?.(sim);
    const actions = planNextActions(sim.state, options.spec, sim.events, clock);
    sim.trace.push({ timeMs: clock.now(), actions });
    for (const action of actions) {
      apply(action);
      options.afterAction?.(sim, action);
    }
  }
  return sim;

  function apply(action: Action): void {
    const now = clock.now();
    switch (action.type) {
      case 'startReplicas':
        for (let i = 0; i < action.count; i += 1) {
          const n = started.get(action.version) ?? (action.version === stable ? options.replicas : 0);
          started.set(action.version, n + 1);
          const id = `${action.version}-${n}`;
          const readiness = options.readiness?.(id, action.version) ?? 1000;
          sim.state.running.push({ id, version: action.version, ready: false, startedAtMs: now, ...(readiness === 'fail' ? { failed: true } : {}) });
          if (typeof readiness === 'number') readyAt.set(id, now + readiness);
        }
        break;
      case 'stopReplicas':
        sim.state.running = sim.state.running.filter((replica) => !action.ids.includes(replica.id));
        break;
      case 'setWeights':
        if (action.service === sim.state.service) sim.state.weights = action.weights;
        else sim.state.previewWeights = action.weights;
        sim.events.push({ type: 'weightsSet', service: action.service, weights: action.weights, timeMs: now });
        break;
      case 'waitUntil': {
        const pending = [...readyAt.values()].filter((at) => at > now);
        clock.set(Math.max(now, Math.min(action.timeMs, ...pending)));
        break;
      }
      case 'waitForPromotion':
        if (options.promote?.(sim) ?? true) sim.events.push({ type: 'promoted', full: false, timeMs: now });
        else clock.advance(1_000);
        break;
      case 'runAnalysis': {
        if (sim.events.some((event) => event.type === 'analysisCompleted' && event.key === action.key)) break;
        const passed = options.analysisPasses?.(action.key) ?? true;
        sim.events.push({ type: 'analysisCompleted', key: action.key, passed, ...(passed ? {} : { reason: 'error rate 7%' }), timeMs: now });
        break;
      }
      case 'rollback':
        sim.events.push({ type: 'aborted', reason: action.reason, timeMs: now });
        break;
      case 'markSucceeded':
        sim.outcome = { type: 'succeeded' };
        break;
      case 'markFailed':
        sim.outcome = { type: 'failed', reason: action.reason };
        break;
    }
  }
}

/** One short line per action, for table tests. */
export function describeAction(action: Action): string {
  switch (action.type) {
    case 'startReplicas':
      return `start ${action.version} x${action.count}`;
    case 'stopReplicas':
      return `stop ${action.ids.join(',')}`;
    case 'setWeights':
      return `weights ${action.service} ${Object.entries(action.weights)
        .map(([version, weight]) => `${version}=${weight}`)
        .join(' ')}`;
    case 'waitUntil':
      return `wait ${action.timeMs}`;
    case 'waitForPromotion':
      return 'await promotion';
    case 'runAnalysis':
      return `analysis ${action.key}`;
    case 'markSucceeded':
      return 'succeeded';
    case 'markFailed':
      return `failed: ${action.reason}`;
    case 'rollback':
      return `rollback: ${action.reason}`;
  }
}

/** The trace as `@time action; action` lines. */
export function describeTrace(sim: Simulation): string[] {
  return sim.trace.map((entry) => `@${entry.timeMs} ${entry.actions.map(describeAction).join('; ')}`);
}
