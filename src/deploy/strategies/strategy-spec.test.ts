import { describe, expect, it } from 'vitest';
import { parseStrategySpec } from './strategy-spec.js';

describe('parseStrategySpec', () => {
  it('reads Argo-style canary steps, durations in words or seconds', () => {
    const spec = parseStrategySpec({
      canary: { steps: [{ setWeight: 20 }, { pause: { duration: '1m30s' } }, { pause: { duration: 10 } }, { pause: {} }, { analysis: { templateName: 'errors' } }] },
    });
    expect(spec).toEqual({
      type: 'canary',
      progressDeadlineMs: 600_000,
      steps: [{ setWeight: 20 }, { pause: { durationMs: 90_000 } }, { pause: { durationMs: 10_000 } }, { pause: {} }, { analysis: { templateName: 'errors' } }],
    });
  });

  it('defaults rolling to 25% surge and 25% unavailable, and accepts counts', () => {
    expect(parseStrategySpec({ rolling: {} })).toEqual({
      type: 'rolling',
      progressDeadlineMs: 600_000,
      maxSurge: { percent: 25 },
      maxUnavailable: { percent: 25 },
    });
    expect(parseStrategySpec({ rolling: { maxSurge: 2, maxUnavailable: '0%' }, progressDeadlineSeconds: 30 })).toMatchObject({
      maxSurge: { count: 2 },
      maxUnavailable: { percent: 0 },
      progressDeadlineMs: 30_000,
    });
  });

  it('defaults blue-green to automatic promotion and a 30 s scale-down delay', () => {
    expect(parseStrategySpec({ blueGreen: { previewService: 'web-preview' } })).toEqual({
      type: 'blueGreen',
      progressDeadlineMs: 600_000,
      autoPromotionEnabled: true,
      scaleDownDelayMs: 30_000,
      previewService: 'web-preview',
    });
    expect(parseStrategySpec({ recreate: {} })).toEqual({ type: 'recreate', progressDeadlineMs: 600_000 });
  });

  it.each([
    [{}, 'give exactly one of recreate, rolling, blueGreen, canary (got none)'],
    [{ recreate: {}, canary: {} }, '(got recreate, canary)'],
    [{ canary: { steps: [{ setWeight: 120 }] } }, 'canary.steps.0.setWeight: must be 0..100'],
    [{ canary: { steps: [{ pause: { duration: '5 minutes' } }] } }, "must be a duration like '30s'"],
    [{ rolling: { maxSurge: 0, maxUnavailable: 0 } }, 'maxSurge and maxUnavailable cannot both be 0'],
    [{ rolling: { maxSurge: '150%' } }, 'rolling.maxSurge: must be at most 100%'],
    [{ rolling: { maxSurge: 'lots' } }, "must be a count (2) or a percent ('25%')"],
    [{ blueGreen: { scaleDownDelay: 30 } }, 'scaleDownDelay'],
    [{ canary: { steps: [{ setWeight: 20, pause: {} }] } }, 'canary.steps.0: a step is exactly one of'],
    [{ canary: { steps: [{ wait: 5 }] } }, 'wait'],
  ])('rejects %j clearly', (input, message) => {
    expect(() => parseStrategySpec(input)).toThrow(message);
  });
});
