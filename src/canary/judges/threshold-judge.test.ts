import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { RolloutWindows } from '../windows/rollout-windows.js';
import { makeEvent } from '../windows/test-support/make-event.js';
import { judgeThreshold, type ThresholdRule } from './threshold-judge.js';
import { Verdict } from './verdict.js';

const T0 = 1_700_000_000_000;

/** 100 baseline requests at 1..100 ms, 100 canary requests at scale × 1..100 ms; `errors` canary errors. */
function buildWindows(scale: number, errors = 0, canaryCount = 100) {
  const windows = new RolloutWindows('r1', createManualClock(T0 + 100_000), { windowSeconds: 10, allowedLatenessSeconds: 1 });
  for (let i = 1; i <= 100; i++) windows.ingestEvent(makeEvent(T0 + i, { track: 'baseline', latencyMs: i }));
  for (let i = 1; i <= canaryCount; i++) windows.ingestEvent(makeEvent(T0 + i, { latencyMs: scale * i, isError: i <= errors }));
  windows.ingestEvent(makeEvent(T0 + 6_000, { track: 'baseline' }));
  return { canary: windows.readWindow('canary'), baseline: windows.readWindow('baseline') };
}

const p99: ThresholdRule['metric'] = { kind: 'latency_quantile', quantile: 0.99 };
const relativeP99: ThresholdRule = { metric: p99, bound: 'at_most', limit: { kind: 'relative_to_baseline', factor: 1.2 }, minSamples: 50 };

describe('judgeThreshold', () => {
  it('passes canary p99 ≤ 1.2 × baseline p99 and fails above it', () => {
    const ok = buildWindows(1.1);
    expect(judgeThreshold(relativeP99, ok.canary, ok.baseline).verdict).toBe(Verdict.pass);
    const slow = buildWindows(1.3);
    const result = judgeThreshold(relativeP99, slow.canary, slow.baseline);
    expect(result.verdict).toBe(Verdict.fail);
    expect(result.reason).toMatch(/^canary latency p99 1\d\d\.\d+ is not ≤ 1\d\d\.\d+ \(1\.2 × baseline\)$/);
    expect(result.observed! / result.limit!).toBeGreaterThan(1);
  });

  it('holds an absolute limit, in either direction', () => {
    const { canary } = buildWindows(1, 3);
    const errorRate = (value: number): ThresholdRule => ({ metric: { kind: 'error_rate' }, bound: 'at_most', limit: { kind: 'absolute', value }, minSamples: 1 });
    expect(judgeThreshold(errorRate(0.05), canary)).toMatchObject({ verdict: Verdict.pass, observed: 0.03, limit: 0.05 });
    expect(judgeThreshold(errorRate(0.01), canary).verdict).toBe(Verdict.fail);
    const traffic: ThresholdRule = { metric: { kind: 'request_count' }, bound: 'at_least', limit: { kind: 'absolute', value: 150 }, minSamples: 0 };
    expect(judgeThreshold(traffic, canary).verdict).toBe(Verdict.fail);
  });

  it('gives NO_DATA when a window is missing or has fewer than minSamples requests', () => {
    const few = buildWindows(1, 0, 20);
    expect(judgeThreshold(relativeP99, few.canary, few.baseline).reason).toBe('latency p99: the canary window has 20 requests, fewer than minSamples 50');
    expect(judgeThreshold(relativeP99, undefined, few.baseline).verdict).toBe(Verdict.noData);
    expect(judgeThreshold(relativeP99, few.baseline, undefined).verdict).toBe(Verdict.noData);
    const absolute: ThresholdRule = { ...relativeP99, limit: { kind: 'absolute', value: 500 }, minSamples: 0 };
    const empty = new RolloutWindows('r1', createManualClock(T0), {});
    empty.ingestEvent(makeEvent(T0 - 120_000));
    empty.ingestEvent(makeEvent(T0));
    expect(judgeThreshold(absolute, empty.readWindow('canary')).reason).toBe('latency p99: the canary window has no value for it');
  });

  it('gives ERROR for a rule that cannot be applied', () => {
    const { canary, baseline } = buildWindows(1);
    expect(judgeThreshold({ ...relativeP99, limit: { kind: 'relative_to_baseline', factor: 0 } }, canary, baseline).verdict).toBe(Verdict.error);
    expect(judgeThreshold({ ...relativeP99, metric: { kind: 'latency_quantile', quantile: 99 } }, canary, baseline).verdict).toBe(Verdict.error);
  });
});
