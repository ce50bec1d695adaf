import fc from 'fast-check';
import { expect, it } from 'vitest';
import { percentile, summarizeLatencies, summarizeLoadTest } from './summarize-load-test.js';
import { sampleRun } from './test-support/sample-run.js';

it('takes nearest-rank percentiles of known data', () => {
  const shuffled = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
  expect(summarizeLatencies(shuffled)).toEqual({ minMs: 1, avgMs: 50.5, p50Ms: 50, p90Ms: 90, p95Ms: 95, p99Ms: 99, maxMs: 100 });
  const thousand = Array.from({ length: 1000 }, (_, i) => 1000 - i);
  expect(summarizeLatencies(thousand)).toMatchObject({ p50Ms: 500, p90Ms: 900, p99Ms: 990, maxMs: 1000 });
});

it('gives every percentile of one sample as that sample, and none for no samples', () => {
  expect(summarizeLatencies([7.5])).toEqual({ minMs: 7.5, avgMs: 7.5, p50Ms: 7.5, p90Ms: 7.5, p95Ms: 7.5, p99Ms: 7.5, maxMs: 7.5 });
  expect(summarizeLatencies([])).toBeUndefined();
});

it('does not let float noise move a rank: q·n that is an integer picks that rank', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(sorted, 0.07)).toBe(7); // 0.07 * 100 = 7.000000000000001
  expect(percentile(sorted, 0.29)).toBe(29);
});

it('returns a sample that at least a fraction q of the samples do not exceed', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (values, q) => {
      const sorted = Float64Array.from(values).sort();
      const p = percentile(sorted, q);
      expect(values).toContain(p);
      expect(values.filter((v) => v <= p).length).toBeGreaterThanOrEqual(Math.ceil(q * values.length - 1e-9));
      expect(values.filter((v) => v < p).length).toBeLessThan(Math.ceil(q * values.length - 1e-9));
    }),
  );
});

it('splits failures by kind and computes success rate and req/s over completed requests', () => {
  const summary = summarizeLoadTest(
    sampleRun({
      started: 110,
      ok: 90,
      latenciesMs: Array.from({ length: 95 }, () => 10),
      httpErrorsByStatus: { '500': 3, '404': 2 },
      timeouts: 4,
      connectionErrorsByCode: { ECONNRESET: 1 },
    }),
  );
  expect(summary).toMatchObject({
    startedAt: '2026-11-22T02:00:00.000Z',
    requests: 110,
    completed: 100,
    ok: 90,
    failed: 10,
    successRate: 0.9,
    rps: 50,
    failures: { http: 5, httpByStatus: { '500': 3, '404': 2 }, timeouts: 4, connection: 1, connectionByCode: { ECONNRESET: 1 } },
  });
  expect(summary.latency?.p99Ms).toBe(10);
});

it('reports a run where nothing completed as 0% success and 0 req/s, without latency', () => {
  const summary = summarizeLoadTest(sampleRun({ started: 0, ok: 0, latenciesMs: [], elapsedMs: 0 }));
  expect(summary).toMatchObject({ completed: 0, successRate: 0, rps: 0, latency: undefined });
});
