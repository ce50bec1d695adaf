import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planNextActions } from './plan-next-actions.js';
import { resolveRollingLimits } from './plan-rolling-scale.js';
import { parseStrategySpec, type RollingSpec } from './strategy-spec.js';
import { describeTrace, type Simulation, simulateRollout } from './test-support/simulate-rollout.js';

const readyCount = (sim: Simulation) => sim.state.running.filter((replica) => replica.ready).length;

describe('planRolling', () => {
  it('replaces one replica at a time with maxSurge 1, maxUnavailable 0; traffic follows ready replicas', () => {
    const sim = simulateRollout({ spec: parseStrategySpec({ rolling: { maxSurge: 1, maxUnavailable: 0 } }), replicas: 3 });
    expect(describeTrace(sim)).toEqual([
      '@0 start v2 x1',
      '@0 wait 600000',
      '@1000 weights web v1=67 v2=33; stop v1-0; start v2 x1',
      '@1000 wait 601000',
      '@2000 weights web v1=33 v2=67; stop v1-1; start v2 x1',
      '@2000 wait 602000',
      '@3000 weights web v1=0 v2=100; stop v1-2',
      '@3000 succeeded',
    ]);
  });

  it('starts every replica at once on a first deploy', () => {
    const sim = simulateRollout({ spec: parseStrategySpec({ rolling: {} }), replicas: 4, stableVersion: null });
    expect(describeTrace(sim)).toEqual(['@0 start v2 x4', '@0 wait 600000', '@1000 weights web v2=100', '@1000 succeeded']);
  });

  it('moves traffic back to stable in the same call that gives up on a replica that never becomes ready', () => {
    const sim = simulateRollout({
      spec: parseStrategySpec({ rolling: { maxSurge: 1, maxUnavailable: 0 }, progressDeadlineSeconds: 10 }),
      replicas: 3,
      readiness: (id) => (id === 'v2-1' ? 'never' : 1000),
    });
    const reason = 'replica v2-1 of v2 was not ready within progressDeadlineSeconds (10 s)';
    expect(describeTrace(sim)).toEqual([
      '@0 start v2 x1',
      '@0 wait 10000',
      '@1000 weights web v1=67 v2=33; stop v1-0; start v2 x1',
      '@1000 wait 11000',
      `@11000 weights web v1=100 v2=0; rollback: ${reason}`,
      '@11000 stop v2-1; start v1 x1',
      '@11000 wait 21000',
      '@12000 stop v2-0',
      `@12000 failed: ${reason}`,
    ]);
    expect(sim.state.running.map((replica) => replica.id).sort()).toEqual(['v1-1', 'v1-2', 'v1-3']);
  });

  it('scales stable back up within the limits when the rollback comes after stable was scaled down', () => {
    const spec = parseStrategySpec({ rolling: { maxSurge: 1, maxUnavailable: 1 }, progressDeadlineSeconds: 10 });
    const limits = resolveRollingLimits(spec as RollingSpec, 3);
    const sim = simulateRollout({
      spec,
      replicas: 3,
      readiness: (id) => (id === 'v2-2' ? 'never' : 1000),
      afterAction: (s) => {
        expect(s.state.running.length).toBeLessThanOrEqual(3 + limits.surge);
      },
    });
    expect(sim.outcome).toEqual({ type: 'failed', reason: 'replica v2-2 of v2 was not ready within progressDeadlineSeconds (10 s)' });
    expect(sim.state.running.every((replica) => replica.version === 'v1' && replica.ready)).toBe(true);
    expect(sim.state.running).toHaveLength(3);
    expect(sim.state.weights).toEqual({ v1: 100, v2: 0 });
  });

  it('never exceeds replicas + maxSurge nor drops below replicas − maxUnavailable ready, and always finishes', () => {
    const countOrPercent = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        countOrPercent,
        countOrPercent,
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 30 }),
        (replicas, maxSurge, maxUnavailable, delays) => {
          fc.pre(!(maxSurge === 0 && maxUnavailable === 0));
          const spec = parseStrategySpec({ rolling: { maxSurge, maxUnavailable } });
          const limits = resolveRollingLimits(spec as RollingSpec, replicas);
          let started = 0;
          const sim = simulateRollout({
            spec,
            replicas,
            readiness: () => delays[started++ % delays.length]!,
            beforePlan: (s) => {
              // Deterministic: the same inputs give the same actions.
              expect(planNextActions(s.state, spec, s.events, s.clock)).toEqual(planNextActions(s.state, spec, s.events, s.clock));
            },
            afterAction: (s, action) => {
              expect(s.state.running.length).toBeLessThanOrEqual(replicas + limits.surge);
              expect(readyCount(s)).toBeGreaterThanOrEqual(replicas - limits.unavailable);
              if (action.type === 'setWeights') expect(Object.values(action.weights).reduce((a, b) => a + b, 0)).toBe(100);
            },
          });
          expect(sim.outcome).toEqual({ type: 'succeeded' });
          expect(sim.state.running).toHaveLength(replicas);
          expect(sim.state.running.every((replica) => replica.version === 'v2' && replica.ready)).toBe(true);
          expect(sim.state.weights).toEqual({ v1: 0, v2: 100 });
        },
      ),
      { numRuns: 300 },
    );
  });
});
