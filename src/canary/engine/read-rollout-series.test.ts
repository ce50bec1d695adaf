import { expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { RolloutWindows } from '../windows/rollout-windows.js';
import { makeEvent } from '../windows/test-support/make-event.js';
import { readRolloutSeries } from './read-rollout-series.js';

const T0 = 1_700_000_000_000;

it('reads each track of the current window bucket by bucket: closed buckets only, as the judges see them', () => {
  const windows = new RolloutWindows('r1', createManualClock(T0 + 3_600_000), { windowSeconds: 10, allowedLatenessSeconds: 2 });
  expect(readRolloutSeries(windows)).toEqual({ windowEndMs: undefined, tracks: {} });
  windows.ingestEvent(makeEvent(T0 + 1_100, { latencyMs: 10 }));
  windows.ingestEvent(makeEvent(T0 + 1_200, { latencyMs: 30, isError: true }));
  windows.ingestEvent(makeEvent(T0 + 2_500, { track: 'baseline', latencyMs: 8 }));
  // Moves the watermark to 3_100: the buckets at 1_000 and 2_000 are closed, this one's is not.
  windows.ingestEvent(makeEvent(T0 + 5_100, { latencyMs: 500 }));
  const series = readRolloutSeries(windows);
  expect(series.windowEndMs).toBe(T0 + 3_000);
  const judged = windows.readWindow('canary')!.buckets[0]!;
  expect(series.tracks['canary']).toEqual([
    { startMs: T0 + 1_000, requests: 2, errors: 1, p50Ms: judged.readLatencyQuantileMs(0.5), p99Ms: judged.readLatencyQuantileMs(0.99) },
  ]);
  // DDSketch: within 1% of the true value.
  expect(series.tracks['canary']![0]!.p50Ms).toBeCloseTo(10, -0.5);
  expect(series.tracks['baseline']).toEqual([{ startMs: T0 + 2_000, requests: 1, errors: 0, p50Ms: expect.closeTo(8, 0), p99Ms: expect.closeTo(8, 0) }]);
});
