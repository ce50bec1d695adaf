import type { LoadTestRun } from '../load-recorder.js';

/** A finished closed-model run: latencies 1..100 ms, 100 requests over 2 s, all ok unless overridden. */
export function sampleRun(overrides: Partial<LoadTestRun> = {}): LoadTestRun {
  return {
    model: 'closed',
    startedAtMs: Date.UTC(2026, 10, 22, 2, 0, 0),
    elapsedMs: 2000,
    started: 100,
    ok: 100,
    latenciesMs: Array.from({ length: 100 }, (_, i) => i + 1),
    httpErrorsByStatus: {},
    timeouts: 0,
    connectionErrorsByCode: {},
    lateStarts: 0,
    missedStarts: 0,
    aborted: false,
    ...overrides,
  };
}
