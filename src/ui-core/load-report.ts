/**
 * Load test reports found in artifacts (`slipway loadtest --out loadtest-report.json`, whose shape
 * is src/deploy/verify/format-load-report.ts): which files may hold one, whether a parsed JSON
 * document is one, and the strings the run page shows for it. Artifacts are user content, so the
 * recogniser checks every field the page reads rather than trusting a file name.
 */

import type { LoadTestSummary } from '../deploy/verify/summarize-load-test.js';
import { formatCounts } from '../deploy/verify/format-counts.js';

/** The file name `slipway loadtest --out` is used with in examples and docs. */
export const loadReportFileName = 'loadtest-report.json';

/**
 * The fields of a version 1 report the UI reads: what readLoadReport checks. (format-load-report.ts's
 * LoadReport itself drags Node types into the UI's compilation, so only the summary is shared.)
 */
export interface LoadReportView {
  reportVersion: 1;
  passed: boolean;
  target: { url: string; method: string };
  load: { model: LoadTestSummary['model']; concurrency: number; rate?: number | undefined };
  summary: Pick<LoadTestSummary, 'elapsedMs' | 'requests' | 'completed' | 'ok' | 'failed' | 'successRate' | 'rps' | 'latency' | 'failures' | 'aborted'>;
  thresholds: { threshold: string; passed: boolean; actual: number | null; line: string }[];
}

export interface ArtifactFileLike {
  path: string;
  type: string;
  size: number;
}

/**
 * Files of an artifact worth reading as a report, best first: those named loadtest-report.json, then
 * other `.json` files; at most `maxFiles`, each at most `maxBytes` (a report is a few kB).
 */
export function loadReportCandidates(files: readonly ArtifactFileLike[], { maxFiles = 5, maxBytes = 1024 * 1024 } = {}): string[] {
  const json = files.filter((f) => f.type === 'file' && f.size > 0 && f.size <= maxBytes && f.path.toLowerCase().endsWith('.json'));
  const named = (f: ArtifactFileLike) => baseName(f.path) === loadReportFileName;
  return [...json.filter(named), ...json.filter((f) => !named(f))].slice(0, maxFiles).map((f) => f.path);
}

/** The report when `value` (parsed JSON) has the shape of a version 1 load test report, else undefined. */
export function readLoadReport(value: unknown): LoadReportView | undefined {
  if (!isObject(value) || value['reportVersion'] !== 1 || typeof value['passed'] !== 'boolean') return undefined;
  const { target, load, summary, thresholds } = value;
  if (!isObject(target) || typeof target['url'] !== 'string' || typeof target['method'] !== 'string') return undefined;
  if (!isObject(load) || (load['model'] !== 'open' && load['model'] !== 'closed') || !isCount(load['concurrency'])) return undefined;
  if (!isObject(summary) || !hasNumbers(summary, ['elapsedMs', 'requests', 'completed', 'ok', 'failed', 'successRate', 'rps'])) return undefined;
  if (typeof summary['aborted'] !== 'boolean') return undefined;
  const latency = summary['latency'];
  if (latency != null && !(isObject(latency) && hasNumbers(latency, ['minMs', 'avgMs', 'p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'maxMs']))) return undefined;
  const failures = summary['failures'];
  if (!isObject(failures) || !hasNumbers(failures, ['http', 'timeouts', 'connection'])) return undefined;
  if (!isCounts(failures['httpByStatus']) || !isCounts(failures['connectionByCode'])) return undefined;
  if (!Array.isArray(thresholds) || !thresholds.every(isThresholdResult)) return undefined;
  return value as unknown as LoadReportView;
}

export interface LoadReportFigures {
  /** `passed: all 2 thresholds held`, `failed: 1 of 2 thresholds did not hold`, or informational. */
  verdict: string;
  /** `GET http://…/ · closed model, concurrency 4 · 2.00 s`. */
  load: string;
  /** Requests, success rate, req/s. */
  totals: { label: string; value: string }[];
  /** avg, p50, p90, p95, p99, max; empty when no request got a response. */
  latency: { label: string; value: string }[];
  failures: { label: string; value: string }[];
  thresholds: { threshold: string; passed: boolean; measured: string }[];
}

export function describeLoadReport(report: LoadReportView): LoadReportFigures {
  const s = report.summary;
  const pacing = report.load.model === 'open' ? `open model at ${report.load.rate ?? '?'} req/s` : `closed model, concurrency ${report.load.concurrency}`;
  const failedCount = report.thresholds.filter((t) => !t.passed).length;
  const latency = s.latency;
  return {
    verdict:
      report.thresholds.length === 0
        ? 'no thresholds: the report is informational'
        : report.passed
          ? `passed: all ${report.thresholds.length} thresholds held`
          : `failed: ${failedCount} of ${report.thresholds.length} thresholds did not hold`,
    load: `${report.target.method} ${report.target.url} · ${pacing} · ${(s.elapsedMs / 1000).toFixed(2)} s${s.aborted ? ' (interrupted)' : ''}`,
    totals: [
      { label: 'Requests', value: `${count(s.requests)} (${count(s.ok)} ok, ${count(s.failed)} failed)` },
      { label: 'Success rate', value: percent(s.successRate) },
      { label: 'Throughput', value: `${s.rps.toFixed(1)} req/s` },
    ],
    latency: latency
      ? (['avg', 'p50', 'p90', 'p95', 'p99', 'max'] as const).map((name) => ({ label: name, value: milliseconds(latency[`${name}Ms`]) }))
      : [],
    failures: [
      { label: 'HTTP errors', value: `${count(s.failures.http)}${formatCounts(s.failures.httpByStatus)}` },
      { label: 'Timeouts', value: count(s.failures.timeouts) },
      { label: 'Connection errors', value: `${count(s.failures.connection)}${formatCounts(s.failures.connectionByCode)}` },
    ],
    thresholds: report.thresholds.map((t) => ({ threshold: t.threshold, passed: t.passed, measured: measured(t.threshold, t.actual) })),
  };
}

/** A threshold's measured value in its own unit: `p99<200ms` → `12.3 ms`, `success>=99%` → `99.50%`. */
function measured(threshold: string, actual: number | null): string {
  if (actual === null) return 'no data';
  const metric = /^[a-zA-Z0-9]+/.exec(threshold)?.[0] ?? '';
  if (/^(avg|p50|p90|p95|p99|max|min)$/.test(metric)) return milliseconds(actual);
  if (metric === 'success') return percent(actual);
  if (metric === 'rps') return `${actual.toFixed(1)} req/s`;
  return count(actual);
}

function milliseconds(ms: number): string {
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).toLowerCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasNumbers(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return keys.every((key) => typeof value[key] === 'number' && Number.isFinite(value[key]));
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCounts(value: unknown): value is Record<string, number> {
  return isObject(value) && Object.values(value).every(isCount);
}

function isThresholdResult(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value['threshold'] === 'string' &&
    typeof value['passed'] === 'boolean' &&
    typeof value['line'] === 'string' &&
    (value['actual'] === null || isCount(value['actual']))
  );
}
