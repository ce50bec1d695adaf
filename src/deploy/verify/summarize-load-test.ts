/**
 * A run's raw observations → the numbers a person and the thresholds look at. Percentiles use the
 * nearest-rank method on the exact latencies (the value at rank ceil(q·n)), so a reported p99 is a
 * latency some request really had. Latency statistics cover requests that got a whole response
 * (ok or HTTP error); timeouts and connection errors have no meaningful latency and are counted apart.
 */
import type { LoadTestRun } from './load-recorder.js';

export interface LatencySummary {
  minMs: number;
  avgMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadTestSummary {
  model: LoadTestRun['model'];
  startedAt: string;
  elapsedMs: number;
  /** Requests started. */
  requests: number;
  /** Requests that ended (ok or failed); equals `requests` unless the run was cut short. */
  completed: number;
  ok: number;
  failed: number;
  /** ok / completed, 0..1; 0 when nothing completed. */
  successRate: number;
  /** Completed requests per second of the run. */
  rps: number;
  /** Undefined when no request got a response. */
  latency: LatencySummary | undefined;
  failures: {
    http: number;
    httpByStatus: Record<string, number>;
    timeouts: number;
    connection: number;
    connectionByCode: Record<string, number>;
  };
  lateStarts: number;
  missedStarts: number;
  aborted: boolean;
}

export function summarizeLoadTest(run: LoadTestRun): LoadTestSummary {
  const http = sum(run.httpErrorsByStatus);
  const connection = sum(run.connectionErrorsByCode);
  const failed = http + run.timeouts + connection;
  const completed = run.ok + failed;
  return {
    model: run.model,
    startedAt: new Date(run.startedAtMs).toISOString(),
    elapsedMs: run.elapsedMs,
    requests: run.started,
    completed,
    ok: run.ok,
    failed,
    successRate: completed === 0 ? 0 : run.ok / completed,
    rps: run.elapsedMs > 0 ? (completed * 1000) / run.elapsedMs : 0,
    latency: summarizeLatencies(run.latenciesMs),
    failures: {
      http,
      httpByStatus: { ...run.httpErrorsByStatus },
      timeouts: run.timeouts,
      connection,
      connectionByCode: { ...run.connectionErrorsByCode },
    },
    lateStarts: run.lateStarts,
    missedStarts: run.missedStarts,
    aborted: run.aborted,
  };
}

export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary | undefined {
  if (latenciesMs.length === 0) return undefined;
  const sorted = Float64Array.from(latenciesMs).sort();
  let total = 0;
  for (const ms of sorted) total += ms;
  return {
    minMs: sorted[0]!,
    avgMs: total / sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1]!,
  };
}

/** Nearest rank over ascending `sorted` (non-empty); q in (0, 1]. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  // The epsilon keeps float noise (0.07 * 100 = 7.000…01) from moving the rank by one.
  const rank = Math.ceil(q * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function sum(counts: Record<string, number>): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n;
  return total;
}
