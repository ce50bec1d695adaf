import { expect, it } from 'vitest';
import { judgeThresholds } from './judge-thresholds.js';
import { summarizeLoadTest } from './summarize-load-test.js';
import { sampleRun } from './test-support/sample-run.js';
import type { Threshold } from './threshold.js';

const summary = summarizeLoadTest(sampleRun()); // p99 99 ms, 100% ok, 50 req/s

it('passes when every threshold holds, with a line for each', () => {
  const verdict = judgeThresholds(summary, [
    { metric: 'p99Ms', op: '<', value: 100 },
    { metric: 'successRate', op: '>=', value: 1 },
    { metric: 'rps', op: '>=', value: 50 },
  ]);
  expect(verdict.passed).toBe(true);
  expect(verdict.failures).toEqual([]);
  expect(verdict.results.map((r) => r.line)).toEqual(['p99<100ms ok: 99ms', 'success>=100% ok: 100%', 'rps>=50 ok: 50']);
});

it('fails with one line per failed threshold saying what was measured', () => {
  const verdict = judgeThresholds(summary, [
    { metric: 'p99Ms', op: '<', value: 99 },
    { metric: 'p50Ms', op: '<', value: 1000 },
    { metric: 'rps', op: '>', value: 50 },
  ]);
  expect(verdict.passed).toBe(false);
  expect(verdict.failures).toEqual(['p99<99ms failed: measured 99ms', 'rps>50 failed: measured 50']);
});

it('tells > from >= at the boundary: 199 of 200 is exactly 99.5%', () => {
  const run = summarizeLoadTest(sampleRun({ started: 200, ok: 199, httpErrorsByStatus: { '503': 1 } }));
  const at = (op: Threshold['op']) => judgeThresholds(run, [{ metric: 'successRate', op, value: 0.995 }]).passed;
  expect(at('>=')).toBe(true);
  expect(at('>')).toBe(false);
});

it('fails a latency threshold when nothing got a response rather than passing on no evidence', () => {
  const none = summarizeLoadTest(sampleRun({ ok: 0, latenciesMs: [], connectionErrorsByCode: { ECONNREFUSED: 100 } }));
  const verdict = judgeThresholds(none, [{ metric: 'p99Ms', op: '<', value: 200 }]);
  expect(verdict.passed).toBe(false);
  expect(verdict.failures[0]).toMatch(/^p99<200ms failed: no request got a response/);
});

it('counts late and missed starts together for lateStarts', () => {
  const open = summarizeLoadTest(sampleRun({ model: 'open', lateStarts: 2, missedStarts: 3 }));
  expect(judgeThresholds(open, [{ metric: 'lateStarts', op: '<=', value: 4 }]).failures).toEqual(['lateStarts<=4 failed: measured 5']);
});

it('passes with no thresholds', () => {
  expect(judgeThresholds(summary, []).passed).toBe(true);
});
