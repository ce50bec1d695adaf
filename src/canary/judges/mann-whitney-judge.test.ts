/**
 * The classification cases are those of spinnaker/kayenta (Apache-2.0),
 * kayenta-judge/src/test/scala/com/netflix/kayenta/judge/ClassifierSuite.scala: MannWhitneyClassifier
 * with fraction 0.10 and confidence level 0.95; their High/Low in the harmful direction is our FAIL.
 */
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { RolloutWindows } from '../windows/rollout-windows.js';
import { makeEvent } from '../windows/test-support/make-event.js';
import { judgeMannWhitney, judgeMannWhitneyWindows, type MannWhitneyRule } from './mann-whitney-judge.js';
import { CLASSIFIER_CONTROL_HIGH, CLASSIFIER_CONTROL_LOW, CLASSIFIER_EXPERIMENT_HIGH, CLASSIFIER_EXPERIMENT_LOW } from './test-support/kayenta-samples.js';
import { Verdict } from './verdict.js';

const kayenta = (direction: MannWhitneyRule['direction']): MannWhitneyRule => ({ direction, fraction: 0.1, confidenceLevel: 0.95 });

describe('judgeMannWhitney: Kayenta ClassifierSuite', () => {
  it.each([
    ['Pass Metric', 'either', CLASSIFIER_EXPERIMENT_LOW, CLASSIFIER_CONTROL_LOW, Verdict.pass],
    ['High Metric', 'either', CLASSIFIER_EXPERIMENT_HIGH, CLASSIFIER_CONTROL_LOW, Verdict.fail],
    ['Low Metric', 'either', CLASSIFIER_EXPERIMENT_LOW, CLASSIFIER_CONTROL_HIGH, Verdict.fail],
    ['Directional Test: Increase', 'increase', CLASSIFIER_EXPERIMENT_LOW, CLASSIFIER_CONTROL_HIGH, Verdict.pass],
    ['Directional Test: Decrease', 'decrease', CLASSIFIER_EXPERIMENT_HIGH, CLASSIFIER_CONTROL_LOW, Verdict.pass],
    ['Directional Test: High Metric', 'increase', CLASSIFIER_EXPERIMENT_HIGH, CLASSIFIER_CONTROL_LOW, Verdict.fail],
    ['Directional Test: Low Metric', 'decrease', CLASSIFIER_EXPERIMENT_LOW, CLASSIFIER_CONTROL_HIGH, Verdict.fail],
  ] as const)('%s', (_name, direction, canary, baseline, verdict) => {
    expect(judgeMannWhitney(kayenta(direction), canary, baseline).verdict).toBe(verdict);
  });

  it('says which way the canary moved', () => {
    expect(judgeMannWhitney(kayenta('either'), CLASSIFIER_EXPERIMENT_HIGH, CLASSIFIER_CONTROL_LOW).reason).toMatch(/^canary is higher: shift 10\.\d+/);
  });
});

describe('judgeMannWhitney: gates and edges', () => {
  it('gives INCONCLUSIVE for a real shift below the effect-size gate, FAIL above it', () => {
    // The shift is about +10.6 on a baseline median of about 10: a ratio near 1.06.
    const gated = (gate: Partial<MannWhitneyRule>) => judgeMannWhitney({ ...kayenta('increase'), ...gate }, CLASSIFIER_EXPERIMENT_HIGH, CLASSIFIER_CONTROL_LOW);
    expect(gated({ minEffectRatio: 2 }).verdict).toBe(Verdict.inconclusive);
    expect(gated({ minEffectRatio: 0.5 }).verdict).toBe(Verdict.fail);
    expect(gated({ minEffect: 20 }).verdict).toBe(Verdict.inconclusive);
    expect(gated({ minEffect: 5 }).verdict).toBe(Verdict.fail);
  });

  it('gives NO_DATA below minSamples, PASS for identical or all-equal samples, ERROR for bad values', () => {
    expect(judgeMannWhitney({ direction: 'either', minSamples: 31 }, CLASSIFIER_EXPERIMENT_LOW, CLASSIFIER_CONTROL_LOW).verdict).toBe(Verdict.noData);
    expect(judgeMannWhitney({ direction: 'either' }, [], [1]).verdict).toBe(Verdict.noData);
    expect(judgeMannWhitney({ direction: 'either' }, [3, 1, 2], [1, 2, 3]).verdict).toBe(Verdict.pass);
    expect(judgeMannWhitney({ direction: 'either' }, [0, 0], [0, 0, 0]).verdict).toBe(Verdict.pass);
    expect(judgeMannWhitney({ direction: 'either' }, [1, Number.NaN], [1, 2]).verdict).toBe(Verdict.error);
  });
});

describe('judgeMannWhitneyWindows', () => {
  it('compares per-bucket p50 of the canary and baseline windows', () => {
    const T0 = 1_700_000_000_000;
    const windows = new RolloutWindows('r1', createManualClock(T0 + 100_000), { windowSeconds: 30, allowedLatenessSeconds: 0 });
    for (let second = 0; second < 31; second++) {
      for (let i = 0; i < 5; i++) {
        const jitterMs = ((second * 7 + i * 3) % 11) - 5;
        windows.ingestEvent(makeEvent(T0 + second * 1_000 + i, { track: 'baseline', latencyMs: 100 + jitterMs }));
        windows.ingestEvent(makeEvent(T0 + second * 1_000 + i, { track: 'canary', latencyMs: 140 + jitterMs }));
      }
    }
    const metric = { kind: 'latency_quantile', quantile: 0.5 } as const;
    const result = judgeMannWhitneyWindows({ direction: 'increase', minSamples: 10 }, metric, windows.readWindow('canary'), windows.readWindow('baseline'));
    expect(result.verdict).toBe(Verdict.fail);
    expect(result.statistics!.canaryCount).toBe(30);
    expect(result.reason).toMatch(/^latency p50: canary is higher/);
    expect(judgeMannWhitneyWindows({ direction: 'increase' }, metric, undefined, windows.readWindow('baseline')).verdict).toBe(Verdict.noData);
  });
});
