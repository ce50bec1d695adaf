import { describe, expect, it } from 'vitest';
import type { Action } from './action.js';
import { planNextActions } from './plan-next-actions.js';
import { parseStrategySpec } from './strategy-spec.js';
import { describeTrace, type Simulation, simulateRollout } from './test-support/simulate-rollout.js';

const steps = [{ setWeight: 20 }, { pause: { duration: '1m' } }, { analysis: { metric: 'errorRate' } }, { setWeight: 50 }, { pause: {} }];
const spec = parseStrategySpec({ canary: { steps } });
const weightsSet = (sim: Simulation, weight: number) =>
  sim.events.some((event) => event.type === 'weightsSet' && event.weights['v2'] === weight);

describe('planCanary', () => {
  it('walks setWeight, timed pause, analysis, setWeight, indefinite pause, then promotes fully', () => {
    const sim = simulateRollout({ spec, replicas: 4 });
    expect(describeTrace(sim)).toEqual([
      '@0 start v2 x1',
      '@0 wait 600000',
      '@1000 weights web v1=80 v2=20',
      '@1000 wait 61000',
      '@61000 analysis step-2',
      '@61000 start v2 x1',
      '@61000 wait 661000',
      '@62000 weights web v1=50 v2=50',
      '@62000 await promotion',
      '@62000 start v2 x2',
      '@62000 wait 662000',
      '@63000 weights web v2=100 v1=0',
      '@63000 stop v1-0,v1-1,v1-2,v1-3',
      '@63000 succeeded',
    ]);
  });

  it('holds at an indefinite pause until slipway promote', () => {
    let promoteAfterCalls = 3;
    const sim = simulateRollout({ spec: parseStrategySpec({ canary: { steps: [{ setWeight: 10 }, { pause: {} }] } }), replicas: 2, promote: () => --promoteAfterCalls === 0 });
    const waits = describeTrace(sim).filter((line) => line.endsWith('await promotion'));
    expect(waits).toHaveLength(3);
    expect(sim.outcome).toEqual({ type: 'succeeded' });
  });

  it('on abort sets the canary weight to 0 as the very first action, then scales it down', () => {
    const sim = simulateRollout({
      spec,
      replicas: 4,
      beforePlan: (s) => {
        if (weightsSet(s, 20) && !s.events.some((event) => event.type === 'aborted')) {
          s.events.push({ type: 'aborted', reason: 'canary decision ROLLBACK: p99 320 ms > 200 ms', timeMs: s.clock.now() });
        }
      },
    });
    const afterAbort = sim.trace.slice(sim.trace.findIndex((entry) => entry.actions[0]?.type === 'setWeights' && entry.actions[0].weights['v2'] === 0));
    expect(afterAbort.map((entry) => entry.actions)).toEqual([
      [{ type: 'setWeights', service: 'web', weights: { v1: 100, v2: 0 } }],
      [{ type: 'stopReplicas', ids: ['v2-0'] }],
      [{ type: 'markFailed', reason: 'canary decision ROLLBACK: p99 320 ms > 200 ms' }],
    ]);
    const firstStop = sim.trace.findIndex((entry) => entry.actions.some((action) => action.type === 'stopReplicas'));
    expect(firstStop).toBeGreaterThan(sim.trace.indexOf(afterAbort[0]!));
  });

  it('rolls back on a failed analysis with weight 0 in the same call', () => {
    const sim = simulateRollout({ spec, replicas: 4, analysisPasses: () => false });
    expect(describeTrace(sim).slice(4)).toEqual([
      '@61000 analysis step-2',
      '@61000 weights web v1=100 v2=0; rollback: step 3/5: analysis failed: error rate 7%',
      '@61000 stop v2-0',
      '@61000 failed: step 3/5: analysis failed: error rate 7%',
    ]);
  });

  it('promote --full jumps to 100 without the remaining steps', () => {
    const sim = simulateRollout({
      spec,
      replicas: 4,
      beforePlan: (s) => {
        if (weightsSet(s, 20) && !s.events.some((event) => event.type === 'promoted')) {
          s.events.push({ type: 'promoted', full: true, timeMs: s.clock.now() });
        }
      },
    });
    expect(describeTrace(sim).slice(3)).toEqual([
      '@1000 start v2 x3',
      '@1000 wait 601000',
      '@2000 weights web v2=100 v1=0',
      '@2000 stop v1-0,v1-1,v1-2,v1-3',
      '@2000 succeeded',
    ]);
  });

  it('a promote during a timed pause ends that pause only', () => {
    const sim = simulateRollout({
      spec: parseStrategySpec({ canary: { steps: [{ setWeight: 25 }, { pause: { duration: '10m' } }, { setWeight: 50 }, { pause: { duration: '10m' } }] } }),
      replicas: 4,
      beforePlan: (s) => {
        if (weightsSet(s, 25) && !s.events.some((event) => event.type === 'promoted')) {
          s.clock.advance(5_000);
          s.events.push({ type: 'promoted', full: false, timeMs: s.clock.now() });
        }
      },
    });
    expect(describeTrace(sim).slice(2, 6)).toEqual(['@1000 weights web v1=75 v2=25', '@6000 start v2 x1', '@6000 wait 606000', '@7000 weights web v1=50 v2=50']);
    expect(describeTrace(sim)[6]).toBe('@7000 wait 607000');
  });

  it('is a pure function of state, history and time', () => {
    const sim = simulateRollout({ spec, replicas: 4, maxCalls: 6 });
    const twice = (): Action[][] => [0, 1].map(() => planNextActions(sim.state, spec, sim.events, sim.clock));
    const [a, b] = twice();
    expect(a).toEqual(b);
    expect(a).toEqual([{ type: 'waitUntil', timeMs: 661_000, reason: 'canary (v2) to become ready' }]);
  });
});
