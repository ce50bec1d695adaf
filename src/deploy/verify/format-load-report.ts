/**
 * The load test report: one JSON document (stored as the step's artifact, versioned so the UI can
 * read old ones) and its human rendering for the step's log. Both are pure functions of the options,
 * the summary and the verdict.
 */
import type { ThresholdVerdict } from './judge-thresholds.js';
import type { LoadTestOptions } from './load-test-options.js';
import type { LoadTestSummary } from './summarize-load-test.js';
import { describeThreshold } from './threshold.js';
import { formatCounts } from './format-counts.js';

export interface LoadReport {
  reportVersion: 1;
  passed: boolean;
  target: { url: string; method: string; paths: string[] | undefined };
  load: {
    model: LoadTestSummary['model'];
    concurrency: number;
    rate: number | undefined;
    requests: number | undefined;
    durationMs: number | undefined;
    /** Discarded load before the measured run. */
    warmupMs: number;
    timeoutMs: number;
    seed: number;
  };
  summary: LoadTestSummary;
  thresholds: { threshold: string; passed: boolean; actual: number | null; line: string }[];
}

export function buildLoadReport(options: LoadTestOptions, summary: LoadTestSummary, verdict: ThresholdVerdict): LoadReport {
  return {
    reportVersion: 1,
    passed: verdict.passed,
    target: { url: options.url, method: options.method, paths: options.paths },
    load: {
      model: summary.model,
      concurrency: options.concurrency,
      rate: options.rate,
      requests: options.requests,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      timeoutMs: options.timeoutMs,
      seed: options.seed,
    },
    summary,
    thresholds: verdict.results.map((r) => ({
      threshold: describeThreshold(r.threshold),
      passed: r.passed,
      actual: r.actual ?? null,
      line: r.line,
    })),
  };
}

export function formatLoadReport(report: LoadReport): string {
  const s = report.summary;
  const { load } = report;
  const pacing = load.model === 'open' ? `open model at ${load.rate} req/s, up to ${load.concurrency} in flight` : `closed model, concurrency ${load.concurrency}`;
  const lines = [
    `load test ${report.target.method} ${report.target.url}${report.target.paths ? ` (paths ${report.target.paths.join(' ')})` : ''}`,
    `${pacing}; ${s.requests} requests in ${seconds(s.elapsedMs)}${s.aborted ? ' (interrupted)' : ''}`,
    '',
    row('requests', `${s.completed} done, ${s.ok} ok, ${s.failed} failed`),
    row('success', `${percent(s.successRate)}`),
    row('throughput', `${fixed(s.rps, 1)} req/s`),
    row(
      'latency',
      s.latency === undefined
        ? 'none (no request got a response)'
        : `min ${ms(s.latency.minMs)}  avg ${ms(s.latency.avgMs)}  p50 ${ms(s.latency.p50Ms)}  p90 ${ms(s.latency.p90Ms)}  ` +
            `p95 ${ms(s.latency.p95Ms)}  p99 ${ms(s.latency.p99Ms)}  max ${ms(s.latency.maxMs)}`,
    ),
    row('http errors', `${s.failures.http}${formatCounts(s.failures.httpByStatus)}`),
    row('timeouts', String(s.failures.timeouts)),
    row('conn errors', `${s.failures.connection}${formatCounts(s.failures.connectionByCode)}`),
  ];
  if (load.model === 'open') lines.push(row('late starts', `${s.lateStarts} started late, ${s.missedStarts} never started`));
  if (report.thresholds.length > 0) {
    lines.push('', 'thresholds');
    for (const t of report.thresholds) lines.push(`  ${t.passed ? 'ok  ' : 'FAIL'}  ${t.line}`);
  }
  const failedCount = report.thresholds.filter((t) => !t.passed).length;
  lines.push(
    '',
    report.thresholds.length === 0
      ? 'no thresholds given: the report is informational'
      : report.passed
        ? `passed: all ${report.thresholds.length} thresholds held`
        : `failed: ${failedCount} of ${report.thresholds.length} thresholds did not hold`,
  );
  return `${lines.join('\n')}\n`;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(12)}${value}`;
}

function ms(value: number): string {
  return `${fixed(value, value < 10 ? 2 : 1)}ms`;
}

function seconds(valueMs: number): string {
  return `${fixed(valueMs / 1000, 2)}s`;
}

function percent(rate: number): string {
  return `${fixed(rate * 100, 2)}%`;
}

function fixed(n: number, digits: number): string {
  return n.toFixed(digits);
}
