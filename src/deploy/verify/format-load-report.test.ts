import { expect, it } from 'vitest';
import { buildLoadReport, formatLoadReport } from './format-load-report.js';
import { judgeThresholds } from './judge-thresholds.js';
import { parseLoadTestOptions } from './load-test-options.js';
import { summarizeLoadTest } from './summarize-load-test.js';
import { sampleRun } from './test-support/sample-run.js';

const options = parseLoadTestOptions({ url: 'http://127.0.0.1:8080/', requests: 100, concurrency: 4, thresholds: ['p99<50ms', 'success>=90%'] });

function report(run = sampleRun()) {
  const summary = summarizeLoadTest(run);
  return buildLoadReport(options, summary, judgeThresholds(summary, options.thresholds));
}

it('renders the summary, the failure split and each threshold with its verdict', () => {
  const text = formatLoadReport(
    report(sampleRun({ started: 104, ok: 96, httpErrorsByStatus: { '500': 4 }, timeouts: 1, connectionErrorsByCode: { ECONNRESET: 2, ECONNREFUSED: 1 } })),
  );
  expect(text).toBe(
    [
      'load test GET http://127.0.0.1:8080/',
      'closed model, concurrency 4; 104 requests in 2.00s',
      '',
      '  requests    104 done, 96 ok, 8 failed',
      '  success     92.31%',
      '  throughput  52.0 req/s',
      '  latency     min 1.00ms  avg 50.5ms  p50 50.0ms  p90 90.0ms  p95 95.0ms  p99 99.0ms  max 100.0ms',
      '  http errors 4 (500×4)',
      '  timeouts    1',
      '  conn errors 3 (ECONNREFUSED×1, ECONNRESET×2)',
      '',
      'thresholds',
      '  FAIL  p99<50ms failed: measured 99ms',
      '  ok    success>=90% ok: 92.308%',
      '',
      'failed: 1 of 2 thresholds did not hold',
      '',
    ].join('\n'),
  );
});

it('says so when no request got a response, and shows late starts of the open model', () => {
  const text = formatLoadReport(report(sampleRun({ model: 'open', ok: 0, latenciesMs: [], timeouts: 100, lateStarts: 3, missedStarts: 2 })));
  expect(text).toContain('  latency     none (no request got a response)\n');
  expect(text).toContain('  late starts 3 started late, 2 never started\n');
});

it('builds a JSON report that survives a round trip and carries the verdict', () => {
  const built = report();
  expect(JSON.parse(JSON.stringify(built))).toMatchObject({
    reportVersion: 1,
    passed: false,
    target: { url: 'http://127.0.0.1:8080/', method: 'GET' },
    load: { model: 'closed', concurrency: 4, requests: 100, timeoutMs: 5000, seed: 1 },
    summary: { requests: 100, ok: 100, successRate: 1, rps: 50, latency: { p50Ms: 50, p99Ms: 99 } },
    thresholds: [
      { threshold: 'p99<50ms', passed: false, actual: 99, line: 'p99<50ms failed: measured 99ms' },
      { threshold: 'success>=90%', passed: true, actual: 1, line: 'success>=90% ok: 100%' },
    ],
  });
});
