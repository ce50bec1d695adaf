import { describe, expect, it } from 'vitest';
import { parseStrategySpec } from './strategy-spec.js';
import { describeTrace, simulateRollout } from './test-support/simulate-rollout.js';

describe('planBlueGreen', () => {
  it('starts green, previews it, waits for promote, switches in one step, keeps blue for scaleDownDelay', () => {
    const sim = simulateRollout({
      spec: parseStrategySpec({ blueGreen: { autoPromotionEnabled: false, previewService: 'web-preview', scaleDownDelaySeconds: 30 } }),
      replicas: 2,
    });
    expect(describeTrace(sim)).toEqual([
      '@0 start v2 x2',
      '@0 wait 600000',
      '@1000 weights web-preview v2=100',
      '@1000 await promotion',
      '@1000 weights web v2=100 v1=0',
      '@1000 wait 31000',
      '@31000 stop v1-0,v1-1',
      '@31000 succeeded',
    ]);
  });

  it('switches on its own when automatic promotion is on, after a passing pre-promotion analysis', () => {
    const sim = simulateRollout({ spec: parseStrategySpec({ blueGreen: { prePromotionAnalysis: { successRate: 0.99 } } }), replicas: 1 });
    expect(describeTrace(sim).slice(2, 4)).toEqual(['@1000 analysis pre-promotion', '@1000 weights web v2=100 v1=0']);
    expect(sim.outcome).toEqual({ type: 'succeeded' });
  });

  it('rolls back without touching traffic when the pre-promotion analysis fails', () => {
    const sim = simulateRollout({
      spec: parseStrategySpec({ blueGreen: { prePromotionAnalysis: {} } }),
      replicas: 1,
      analysisPasses: () => false,
    });
    expect(describeTrace(sim).slice(2)).toEqual([
      '@1000 analysis pre-promotion',
      '@1000 rollback: pre-promotion analysis failed: error rate 7%',
      '@1000 stop v2-0',
      '@1000 failed: pre-promotion analysis failed: error rate 7%',
    ]);
  });

  it('switches back with a single setWeights while blue is kept, then scales green down', () => {
    const sim = simulateRollout({
      spec: parseStrategySpec({ blueGreen: { scaleDownDelaySeconds: 60 } }),
      replicas: 2,
      beforePlan: (s) => {
        const switched = s.events.some((event) => event.type === 'weightsSet');
        if (switched && !s.events.some((event) => event.type === 'aborted')) {
          s.clock.advance(20_000);
          s.events.push({ type: 'aborted', reason: 'slipway rollback', timeMs: s.clock.now() });
        }
      },
    });
    expect(describeTrace(sim)).toEqual([
      '@0 start v2 x2',
      '@0 wait 600000',
      '@1000 weights web v2=100 v1=0',
      '@21000 weights web v1=100 v2=0',
      '@21000 stop v2-0,v2-1',
      '@21000 failed: slipway rollback',
    ]);
    expect(sim.state.running.map((replica) => replica.id)).toEqual(['v1-0', 'v1-1']);
  });

  it('never stops blue before the scale-down delay is over', () => {
    const sim = simulateRollout({
      spec: parseStrategySpec({ blueGreen: { scaleDownDelaySeconds: 45 } }),
      replicas: 3,
      afterAction: (s, action) => {
        if (action.type !== 'stopReplicas') return;
        const switchedAt = s.events.find((event) => event.type === 'weightsSet')!.timeMs;
        expect(s.clock.now()).toBeGreaterThanOrEqual(switchedAt + 45_000);
      },
    });
    expect(sim.outcome).toEqual({ type: 'succeeded' });
  });

  it('on a first deploy switches as soon as green is ready', () => {
    const sim = simulateRollout({ spec: parseStrategySpec({ blueGreen: { autoPromotionEnabled: false } }), replicas: 1, stableVersion: null });
    expect(describeTrace(sim)).toEqual(['@0 start v2 x1', '@0 wait 600000', '@1000 weights web v2=100', '@1000 succeeded']);
  });
});
