import { expect, it } from 'vitest';
import { decide } from './decide.js';
import { formatDecisionEvidence, formatDecisionLine } from './format-decision.js';
import { makeSnapshot, policyFromYaml } from './test-support/make-snapshot.js';

const T0 = 1_700_000_000_000;
const policy = policyFromYaml(`name: explain
windowSeconds: 10
minSamples: 20
rules:
  - { name: errors, metric: error_rate, compare: { max: 0.05 } }
  - { name: p99, metric: latency_p99, compare: { maxRatioTo: baseline, factor: 1.2 }, counting: cumulative, failures: 2 }
`);

it('explains a decision with every rule’s values, limits, samples and failure counts', () => {
  const endMs = T0 + 10_000;
  const windows = {
    endMs,
    canary: makeSnapshot({ endMs, windowMs: 10_000, requests: 40, errors: 4, latencyMs: 50 }),
    baseline: makeSnapshot({ endMs, windowMs: 10_000, track: 'baseline', requests: 80, latencyMs: 20 }),
  };
  const { decision } = decide({ policy, rollout: { id: 'r1', step: 2, stepStartedMs: T0, state: 'progressing' }, windows, nowMs: endMs + 250 });
  expect(formatDecisionLine(decision)).toBe(
    '2023-11-14T22:13:30.000Z  r1  step 2  ROLLBACK  FAIL          errors [error_rate ≤ 0.05]: canary 0.1, limit 0.05 (n=40) — canary error rate 0.1 is not ≤ 0.05',
  );
  const text = formatDecisionEvidence(decision);
  expect(text).toContain(`decision ROLLBACK (FAIL) for rollout r1 step 2\n  window    2023-11-14T22:13:20.000Z – 2023-11-14T22:13:30.000Z\n  policy    explain ${policy.version}`);
  expect(text).toContain(`key r1/2/${endMs}/${policy.version}`);
  expect(text).toContain('  rule errors → ROLLBACK: FAIL — canary error rate 0.1 is not ≤ 0.05\n    error_rate ≤ 0.05, canary 0.1 (n=40), limit 0.05, minSamples 20, failures 1/1 consecutive');
  expect(text).toMatch(/ {2}rule p99: FAIL — .*\n {4}latency_p99 ≤ 1\.2 × baseline, canary (49|50)\.?\d* \(n=40\), baseline (19|20)\.?\d* \(n=80\), limit (23|24)\.?\d*, minSamples 20, failures 1\/2 cumulative/);
});
