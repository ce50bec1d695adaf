/**
 * What a load test observed, kept exact: every latency (8 bytes each, so 1M requests ≈ 8 MB) instead
 * of a histogram, because verification runs are bounded and exact percentiles are what the
 * comparison with other tools and the thresholds need.
 */
import type { RequestResult } from './request-result.js';

export interface LoadTestRun {
  model: 'closed' | 'open';
  /** Epoch ms at the first request (from the injected clock). */
  startedAtMs: number;
  /** From the first request's start to the last one's end. */
  elapsedMs: number;
  started: number;
  ok: number;
  /** Of every request that got a whole response (ok and HTTP errors), in completion order. */
  latenciesMs: number[];
  httpErrorsByStatus: Record<string, number>;
  timeouts: number;
  /** By error code: ECONNREFUSED, ECONNRESET, … */
  connectionErrorsByCode: Record<string, number>;
  /** Open model: requests that started later than scheduled (all slots were busy, or the loop was). */
  lateStarts: number;
  /** Open model: requests scheduled before the end that never started. */
  missedStarts: number;
  /** Stopped early by the caller's signal. */
  aborted: boolean;
}

export interface LoadRecorder {
  run: LoadTestRun;
  record(result: RequestResult): void;
}

export function createLoadRecorder(model: LoadTestRun['model'], okStatusMin: number, okStatusMax: number): LoadRecorder {
  const run: LoadTestRun = {
    model,
    startedAtMs: 0,
    elapsedMs: 0,
    started: 0,
    ok: 0,
    latenciesMs: [],
    httpErrorsByStatus: {},
    timeouts: 0,
    connectionErrorsByCode: {},
    lateStarts: 0,
    missedStarts: 0,
    aborted: false,
  };
  return {
    run,
    record(result) {
      switch (result.kind) {
        case 'response':
          run.latenciesMs.push(result.latencyMs);
          if (result.status >= okStatusMin && result.status <= okStatusMax) run.ok += 1;
          else increment(run.httpErrorsByStatus, String(result.status));
          return;
        case 'timeout':
          run.timeouts += 1;
          return;
        case 'connection':
          increment(run.connectionErrorsByCode, result.code);
          return;
      }
    },
  };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
