import { describe, expect, it } from 'vitest';
import { buildLoadReport } from '../deploy/verify/format-load-report.js';
import { judgeThresholds } from '../deploy/verify/judge-thresholds.js';
import { parseLoadTestOptions } from '../deploy/verify/load-test-options.js';
import { summarizeLoadTest } from '../deploy/verify/summarize-load-test.js';
import { sampleRun } from '../deploy/verify/test-support/sample-run.js';
import { describeLoadReport, loadReportCandidates, type LoadReportView, readLoadReport } from './load-report.js';

/** A report as `slipway loadtest --out` writes it: built by the CLI's own code, through JSON. */
function writtenReport(run = sampleRun(), thresholds = ['p99<50ms', 'success>=90%', 'rps>=10', 'timeouts<=0']): unknown {
  const options = parseLoadTestOptions({ url: 'http://127.0.0.1:8080/', requests: 104, concurrency: 4, thresholds });
  const summary = summarizeLoadTest(run);
  const report: LoadReportView = buildLoadReport(options, summary, judgeThresholds(summary, options.thresholds));
  return JSON.parse(JSON.stringify(report));
}

describe('readLoadReport', () => {
  it('recognises the report the CLI writes, with and without latency', () => {
    expect(readLoadReport(writtenReport())).toMatchObject({ reportVersion: 1, summary: { requests: 100 } });
    const noResponse = writtenReport(sampleRun({ ok: 0, latenciesMs: [], timeouts: 100 }), ['p99<50ms']);
    expect(readLoadReport(noResponse)?.summary.latency).toBeUndefined();
  });

  it('refuses JSON of another shape, another version, or with a field of the wrong type', () => {
    // Object.assign writes the wrong types a hand-edited or foreign JSON file could hold.
    const broken = (mutate: (r: LoadReportView) => unknown) => {
      const r = writtenReport() as LoadReportView;
      mutate(r);
      return readLoadReport(r);
    };
    expect(readLoadReport({ requests: 3 })).toBeUndefined();
    expect(readLoadReport([writtenReport()])).toBeUndefined();
    expect(readLoadReport(null)).toBeUndefined();
    expect(broken((r) => Object.assign(r, { reportVersion: 2 }))).toBeUndefined();
    expect(broken((r) => Object.assign(r.summary, { successRate: '100%' }))).toBeUndefined();
    expect(broken((r) => Object.assign(r.summary.latency!, { p99Ms: null }))).toBeUndefined();
    expect(broken((r) => Object.assign(r.summary.failures, { timeouts: undefined }))).toBeUndefined();
    expect(broken((r) => Object.assign(r.summary.failures, { httpByStatus: { 500: 'many' } }))).toBeUndefined();
    expect(broken((r) => Object.assign(r.thresholds[0]!, { passed: 'yes' }))).toBeUndefined();
    expect(broken((r) => Object.assign(r.load, { model: 'burst' }))).toBeUndefined();
    expect(broken((r) => Object.assign(r, { target: null }))).toBeUndefined();
  });
});

describe('loadReportCandidates', () => {
  it('tries files named loadtest-report.json first, then other JSON files, within the limits', () => {
    const files = [
      { path: 'a/summary.json', type: 'file', size: 100 },
      { path: 'notes.txt', type: 'file', size: 10 },
      { path: 'out/loadtest-report.json', type: 'file', size: 3000 },
      { path: 'huge.json', type: 'file', size: 5_000_000 },
      { path: 'empty.json', type: 'file', size: 0 },
      { path: 'link.json', type: 'symlink', size: 0 },
      { path: 'b.JSON', type: 'file', size: 10 },
    ];
    expect(loadReportCandidates(files)).toEqual(['out/loadtest-report.json', 'a/summary.json', 'b.JSON']);
    expect(loadReportCandidates(files, { maxFiles: 1 })).toEqual(['out/loadtest-report.json']);
    expect(loadReportCandidates(files, { maxBytes: 1000 })).toEqual(['a/summary.json', 'b.JSON']);
  });
});

describe('describeLoadReport', () => {
  it('gives requests, success rate, req/s, the latency percentiles, the failure split and each threshold with its verdict', () => {
    const run = sampleRun({ started: 104, ok: 96, httpErrorsByStatus: { '503': 1, '500': 3 }, timeouts: 1, connectionErrorsByCode: { ECONNRESET: 2, ECONNREFUSED: 1 } });
    const report = readLoadReport(writtenReport(run))!;
    expect(describeLoadReport(report)).toEqual({
      verdict: 'failed: 2 of 4 thresholds did not hold',
      load: 'GET http://127.0.0.1:8080/ · closed model, concurrency 4 · 2.00 s',
      totals: [
        { label: 'Requests', value: '104 (96 ok, 8 failed)' },
        { label: 'Success rate', value: '92.31%' },
        { label: 'Throughput', value: '52.0 req/s' },
      ],
      latency: [
        { label: 'avg', value: '50.5 ms' },
        { label: 'p50', value: '50.0 ms' },
        { label: 'p90', value: '90.0 ms' },
        { label: 'p95', value: '95.0 ms' },
        { label: 'p99', value: '99.0 ms' },
        { label: 'max', value: '100.0 ms' },
      ],
      failures: [
        { label: 'HTTP errors', value: '4 (500×3, 503×1)' },
        { label: 'Timeouts', value: '1' },
        { label: 'Connection errors', value: '3 (ECONNREFUSED×1, ECONNRESET×2)' },
      ],
      thresholds: [
        { threshold: 'p99<50ms', passed: false, measured: '99.0 ms' },
        { threshold: 'success>=90%', passed: true, measured: '92.31%' },
        { threshold: 'rps>=10', passed: true, measured: '52.0 req/s' },
        { threshold: 'timeouts<=0', passed: false, measured: '1' },
      ],
    });
  });

  it('says when nothing answered, when the run was cut short, and when there were no thresholds', () => {
    const silent = describeLoadReport(readLoadReport(writtenReport(sampleRun({ ok: 0, latenciesMs: [], timeouts: 100, aborted: true, elapsedMs: 1234 }), ['p99<50ms']))!);
    expect(silent.latency).toEqual([]);
    expect(silent.load).toBe('GET http://127.0.0.1:8080/ · closed model, concurrency 4 · 1.23 s (interrupted)');
    expect(silent.thresholds).toEqual([{ threshold: 'p99<50ms', passed: false, measured: 'no data' }]);
    const informational = describeLoadReport(readLoadReport(writtenReport(sampleRun({ latenciesMs: [0.5, 2.25, 3] }), []))!);
    expect(informational.verdict).toBe('no thresholds: the report is informational');
    expect(informational.latency.find((l) => l.label === 'p50')?.value).toBe('2.25 ms');
    expect(informational.totals[0]!.value).toBe('100 (100 ok, 0 failed)');
  });

  it('describes the open model with its rate', () => {
    const options = parseLoadTestOptions({ url: 'http://127.0.0.1:8080/', rate: 40, durationMs: 3000, concurrency: 10 });
    const summary = summarizeLoadTest(sampleRun({ model: 'open', started: 1234, ok: 1234 }));
    const report = readLoadReport(JSON.parse(JSON.stringify(buildLoadReport(options, summary, judgeThresholds(summary, [])))))!;
    expect(describeLoadReport(report).load).toBe('GET http://127.0.0.1:8080/ · open model at 40 req/s · 2.00 s');
    expect(describeLoadReport(report).totals[0]!.value).toBe('1,234 (1,234 ok, 0 failed)');
  });
});
