import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { RolloutWindows } from '../windows/rollout-windows.js';
import { type DecideInput, decide } from './decide.js';
import type { DecisionHistory, RolloutPosition } from './decision.js';
import { createPrng } from '../../clock/create-prng.js';
import { makeTraffic } from './test-support/make-traffic.js';
import { makeSnapshot, policyFromYaml } from './test-support/make-snapshot.js';

const T0 = 1_700_000_000_000;
const WINDOW_MS = 10_000;
const policy = policyFromYaml(`name: t
windowSeconds: 10
allowedLatenessSeconds: 0
minSamples: 20
stepDurationSeconds: 30
rules:
  - { name: errors, metric: error_rate, compare: { max: 0.05 }, action: ROLLBACK }
  - { name: p99, metric: latency_p99, compare: { maxRatioTo: baseline, factor: 1.2 }, action: PAUSE }
`);
const running: RolloutPosition = { id: 'r1', step: 1, stepStartedMs: T0, state: 'progressing' };

/** Windows ending at endMs: canary and baseline with the given requests, errors and latency. */
function windowsAt(endMs: number, canary: { requests: number; errors?: number; latencyMs?: number }, baseline = { requests: 100, latencyMs: 20 }) {
  return {
    endMs,
    canary: makeSnapshot({ endMs, windowMs: WINDOW_MS, ...canary }),
    baseline: makeSnapshot({ endMs, windowMs: WINDOW_MS, track: 'baseline', ...baseline }),
  };
}

function run(inputs: Omit<DecideInput, 'history'>[], history?: DecisionHistory) {
  const decisions = [];
  for (const input of inputs) {
    const output = decide({ ...input, history });
    history = output.nextHistory;
    decisions.push(output.decision);
  }
  return decisions;
}

describe('decide', () => {
  it('pauses on too little traffic even when every request failed, and never rolls back', () => {
    const { decision } = decide({ policy, rollout: running, windows: windowsAt(T0 + 10_000, { requests: 19, errors: 19 }), nowMs: T0 + 10_000 });
    expect(decision.action).toBe('PAUSE');
    expect(decision.verdict).toBe('NO_DATA');
    expect(decision.evidence[0]).toMatchObject({ rule: 'errors', verdict: 'NO_DATA', canarySamples: 19, minSamples: 20, triggered: false });
    expect(decision.reasons[0]).toContain('not enough data for errors: ');
  });

  it('rolls back on a high error rate, carrying the rule, values, threshold and samples', () => {
    const endMs = T0 + 10_000;
    const { decision } = decide({ policy, rollout: running, windows: windowsAt(endMs, { requests: 40, errors: 20 }), nowMs: endMs + 1 });
    expect(decision).toMatchObject({
      idempotencyKey: `r1/1/${endMs}/${policy.version}`,
      action: 'ROLLBACK',
      verdict: 'FAIL',
      windowStartMs: T0,
      windowEndMs: endMs,
      decidedAtMs: endMs + 1,
      policyName: 't',
    });
    expect(decision.evidence[0]).toEqual({
      rule: 'errors',
      metric: 'error_rate',
      verdict: 'FAIL',
      reason: 'canary error rate 0.5 is not ≤ 0.05',
      comparison: '≤ 0.05',
      canaryValue: 0.5,
      threshold: 0.05,
      observed: 0.5,
      canarySamples: 40,
      minSamples: 20,
      counting: 'consecutive',
      failureCount: 1,
      failuresNeeded: 1,
      action: 'ROLLBACK',
      triggered: true,
    });
  });

  it('pauses when canary p99 exceeds 1.2 × baseline p99, with both values in the evidence', () => {
    const { decision } = decide({ policy, rollout: running, windows: windowsAt(T0 + 10_000, { requests: 50, latencyMs: 100 }), nowMs: T0 });
    expect(decision.action).toBe('PAUSE');
    const p99 = decision.evidence[1]!;
    expect(p99).toMatchObject({ rule: 'p99', verdict: 'FAIL', referenceTrack: 'baseline', canarySamples: 50, referenceSamples: 100, triggered: true });
    expect(p99.canaryValue).toBeCloseTo(100, -1);
    expect(p99.threshold).toBeCloseTo(1.2 * p99.referenceValue!, 9);
  });

  it('counts consecutive failures, reset by a pass, and cumulative ones over the step', () => {
    const yaml = (counting: string) => `name: c
windowSeconds: 10
minSamples: 1
rules: [{ name: errors, metric: error_rate, compare: { max: 0.05 }, counting: ${counting}, failures: 3, action: PAUSE }]
`;
    const pattern = [true, true, false, true, true, true];
    const inputs = (p: typeof policy) =>
      pattern.map((fail, i) => ({ policy: p, rollout: running, windows: windowsAt(T0 + 10_000 + i * 1000, { requests: 10, errors: fail ? 5 : 0 }), nowMs: T0 }));
    const consecutive = run(inputs(policyFromYaml(yaml('consecutive'))));
    expect(consecutive.map((d) => d.action)).toEqual(['NONE', 'NONE', 'NONE', 'NONE', 'NONE', 'PAUSE']);
    expect(consecutive[1]!.reasons[0]).toContain('(failure 2 of 3 consecutive)');
    const cumulative = run(inputs(policyFromYaml(yaml('cumulative'))));
    expect(cumulative.map((d) => d.action)).toEqual(['NONE', 'NONE', 'NONE', 'PAUSE', 'PAUSE', 'PAUSE']);
  });

  it('promotes once every rule has passed for the step duration, and a break restarts the clock', () => {
    const at = (s: number, errors = 0) => ({ policy, rollout: running, windows: windowsAt(T0 + s * 1000, { requests: 50, errors }), nowMs: T0 + s * 1000 });
    const steady = run([at(10), at(20), at(30)]);
    expect(steady.map((d) => [d.action, d.healthyForMs])).toEqual([
      ['NONE', 10_000],
      ['NONE', 20_000],
      ['PROMOTE', 30_000],
    ]);
    // A window before the step started counts only from the step's start.
    const late = run([{ ...at(30), rollout: { ...running, stepStartedMs: T0 + 25_000 } }]);
    expect(late[0]!.healthyForMs).toBe(5_000);
    const pauseOnP99 = { ...at(20), windows: windowsAt(T0 + 20_000, { requests: 50, latencyMs: 90 }) };
    const broken = run([at(10), pauseOnP99, at(30), at(40), at(50)]);
    expect(broken.map((d) => d.action)).toEqual(['NONE', 'PAUSE', 'NONE', 'NONE', 'PROMOTE']);
    expect(broken[4]!.healthyForMs).toBe(30_000);
  });

  it('gives the earlier decision back for a window already decided, without counting it again', () => {
    const first = decide({ policy, rollout: running, windows: windowsAt(T0 + 10_000, { requests: 50, latencyMs: 90 }), nowMs: T0 });
    const again = decide({ policy, rollout: running, windows: windowsAt(T0 + 10_000, { requests: 50, errors: 50 }), nowMs: T0 + 5, history: first.nextHistory });
    expect(again.repeated).toBe(true);
    expect(again.decision).toBe(first.decision);
    expect(again.nextHistory).toBe(first.nextHistory);
    const older = decide({ policy, rollout: running, windows: windowsAt(T0 + 9_000, { requests: 50 }), nowMs: T0, history: first.nextHistory });
    expect(older.repeated).toBe(true);
  });

  it('starts counting afresh on a new step and on a new policy version', () => {
    const counting = policyFromYaml(`name: c
windowSeconds: 10
minSamples: 1
rules: [{ name: errors, metric: error_rate, compare: { max: 0.05 }, counting: cumulative, failures: 2, action: PAUSE }]
`);
    const fail = (s: number, step: number) => ({ policy: counting, rollout: { ...running, step }, windows: windowsAt(T0 + s * 1000, { requests: 10, errors: 5 }), nowMs: T0 });
    expect(run([fail(10, 1), fail(11, 2), fail(12, 2)]).map((d) => d.action)).toEqual(['NONE', 'NONE', 'PAUSE']);
    expect(run([fail(10, 1), { ...fail(11, 1), policy: { ...counting, version: 'sha256:other' } }]).map((d) => d.action)).toEqual(['NONE', 'NONE']);
  });

  it('never decides on windows that do not fit the policy or the rollout: ERROR, which pauses', () => {
    const windows = windowsAt(T0 + 10_000, { requests: 100, errors: 100 });
    const foreign = { ...windows, canary: { ...windows.canary, rollout: 'r2' } };
    const wrongShape = { ...windows, baseline: makeSnapshot({ endMs: T0 + 10_000, windowMs: 60_000, track: 'baseline', requests: 100 }) };
    for (const bad of [foreign, wrongShape, { ...windows, endMs: Number.NaN }]) {
      const { decision } = decide({ policy, rollout: running, windows: bad, nowMs: T0 });
      expect(decision.action).toBe('PAUSE');
      expect(decision.verdict).toBe('ERROR');
      expect(decision.evidence.every((e) => e.verdict === 'ERROR' && !e.triggered)).toBe(true);
    }
  });

  it('decides nothing for a rollout that is over', () => {
    for (const state of ['rolled_back', 'completed'] as const) {
      const { decision } = decide({ policy, rollout: { ...running, state }, windows: windowsAt(T0 + 10_000, { requests: 100, errors: 100 }), nowMs: T0 });
      expect(decision.action).toBe('NONE');
      expect(decision.evidence.some((e) => e.triggered)).toBe(false);
    }
  });

  it('judges custom metrics, minimums and the rank test on real windows', () => {
    const rankPolicy = policyFromYaml(`name: m
windowSeconds: 20
allowedLatenessSeconds: 0
minSamples: 10
rules:
  - { name: p90-shift, metric: latency_p90, compare: { judge: mann-whitney, minEffectRatio: 0.1 } }
  - { name: bytes, metric: "custom:bytesOut", compare: { min: 100 } }
`);
    const clock = createManualClock(T0 + 30_000);
    const windows = new RolloutWindows('r1', clock, { windowSeconds: 20, allowedLatenessSeconds: 0 });
    const random = createPrng(7);
    const traffic = [
      ...makeTraffic({ track: 'canary', fromMs: T0, toMs: T0 + 21_000, requestsPerSecond: 20, latencyMs: { minMs: 40, maxMs: 60 }, metrics: { bytesOut: 50 } }, random),
      ...makeTraffic({ track: 'baseline', fromMs: T0, toMs: T0 + 21_000, requestsPerSecond: 20, latencyMs: { minMs: 10, maxMs: 30 } }, random),
    ].sort((a, b) => a.eventTimeMs - b.eventTimeMs);
    for (const event of traffic) windows.ingestEvent(event);
    const endMs = windows.readWindowEndMs()!;
    const input = { endMs, canary: windows.readWindow('canary'), baseline: windows.readWindow('baseline') };
    const { decision } = decide({ policy: rankPolicy, rollout: running, windows: input, nowMs: clock.now() });
    expect(decision.action).toBe('PAUSE');
    const [shift, bytes] = decision.evidence;
    expect(shift).toMatchObject({ rule: 'p90-shift', verdict: 'FAIL', action: 'PAUSE', triggered: true, referenceTrack: 'baseline' });
    expect(shift!.observed).toBeGreaterThan(20);
    expect(shift!.pValue).toBeLessThan(0.001);
    expect(bytes).toMatchObject({ rule: 'bytes', verdict: 'FAIL', canaryValue: 50, threshold: 100, triggered: true });
  });
});
