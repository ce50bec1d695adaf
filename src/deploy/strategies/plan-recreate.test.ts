import { describe, expect, it } from 'vitest';
import { parseStrategySpec } from './strategy-spec.js';
import { describeTrace, simulateRollout } from './test-support/simulate-rollout.js';

describe('planRecreate', () => {
  it('stops every old replica before the new ones start, then moves traffic', () => {
    const sim = simulateRollout({ spec: parseStrategySpec({ recreate: {} }), replicas: 2 });
    expect(describeTrace(sim)).toEqual([
      '@0 stop v1-0,v1-1',
      '@0 start v2 x2',
      '@0 wait 600000',
      '@1000 weights web v2=100 v1=0',
      '@1000 succeeded',
    ]);
    expect(sim.outcome).toEqual({ type: 'succeeded' });
  });

  it('starts the old release again when a new replica is not ready by the deadline', () => {
    const sim = simulateRollout({
      spec: parseStrategySpec({ recreate: {}, progressDeadlineSeconds: 60 }),
      replicas: 2,
      readiness: (_id, version) => (version === 'v2' ? 'never' : 500),
    });
    const reason = 'replica v2-0 of v2 was not ready within progressDeadlineSeconds (60 s)';
    expect(describeTrace(sim)).toEqual([
      '@0 stop v1-0,v1-1',
      '@0 start v2 x2',
      '@0 wait 60000',
      `@60000 rollback: ${reason}`,
      '@60000 stop v2-0,v2-1',
      '@60000 start v1 x2',
      '@60000 wait 120000',
      `@60500 failed: ${reason}`,
    ]);
    expect(sim.state.running.map((replica) => replica.id)).toEqual(['v1-2', 'v1-3']);
  });

  it('rolls back at once when a new replica fails instead of waiting for the deadline', () => {
    const sim = simulateRollout({ spec: parseStrategySpec({ recreate: {} }), replicas: 1, readiness: (_id, v) => (v === 'v2' ? 'fail' : 10) });
    expect(describeTrace(sim)[2]).toBe('@0 rollback: replica v2-0 of v2 failed before it was ever ready');
    expect(sim.outcome?.type).toBe('failed');
  });
});
