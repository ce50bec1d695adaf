import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { AppError } from '../../errors/app-error.js';
import { RejectReason } from './reject-reason.js';
import { RolloutWindows } from './rollout-windows.js';
import { makeEvent } from './test-support/make-event.js';

const T0 = 1_700_000_000_000;

function setup(options = {}) {
  const clock = createManualClock(T0 + 3_600_000);
  return { clock, windows: new RolloutWindows('r1', clock, { windowSeconds: 10, allowedLatenessSeconds: 2, ...options }) };
}

describe('RolloutWindows', () => {
  it('has no watermark and no window before the first event', () => {
    const { windows } = setup();
    expect(windows.readWatermarkMs()).toBeUndefined();
    expect(windows.readWindow('canary')).toBeUndefined();
  });

  it('puts events into epoch-aligned buckets and reads only buckets closed by the watermark', () => {
    const { windows } = setup();
    expect(windows.ingestEvent(makeEvent(T0 + 1_500))).toEqual({ accepted: true, bucketStartMs: T0 + 1_000, late: false });
    windows.ingestEvent(makeEvent(T0 + 1_900, { isError: true, latencyMs: 30 }));
    windows.ingestEvent(makeEvent(T0 + 4_200));
    // watermark = 4_200 - 2_000 = 2_200 -> window [T0 - 8_000, T0 + 2_000) holds the bucket at 1_000.
    expect(windows.readWatermarkMs()).toBe(T0 + 2_200);
    const window = windows.readWindow('canary')!;
    expect([window.startMs, window.endMs]).toEqual([T0 - 8_000, T0 + 2_000]);
    expect([window.requestCount, window.errorCount, window.latencyMs.count]).toEqual([2, 1, 2]);
    expect(window.buckets.map((bucket) => bucket.startMs)).toEqual([T0 + 1_000]);
  });

  it('folds a late event within the allowed lateness into its bucket', () => {
    const { windows } = setup();
    windows.ingestEvent(makeEvent(T0 + 5_000));
    expect(windows.ingestEvent(makeEvent(T0 + 3_000))).toEqual({ accepted: true, bucketStartMs: T0 + 3_000, late: true });
    windows.ingestEvent(makeEvent(T0 + 8_000));
    // watermark 6_000: the window [-4_000, 6_000) holds the buckets at 3_000 and 5_000.
    expect(windows.readWindow('canary')!.requestCount).toBe(2);
  });

  it('counts and drops an event behind the watermark', () => {
    const { windows } = setup();
    windows.ingestEvent(makeEvent(T0 + 5_000));
    expect(windows.ingestEvent(makeEvent(T0 + 2_999))).toEqual({ accepted: false, reason: RejectReason.tooLate });
    windows.ingestEvent(makeEvent(T0 + 9_000));
    const window = windows.readWindow('canary')!;
    expect(window.requestCount).toBe(1);
    expect(window.rejected.too_late).toBe(1);
    expect(windows.countRejected().too_late).toBe(1);
  });

  it('rejects bad latencies, bad times and far-future times without folding them in', () => {
    const { clock, windows } = setup();
    const now = clock.now();
    const bad = [
      [makeEvent(now, { latencyMs: Number.NaN }), RejectReason.invalidLatency],
      [makeEvent(now, { latencyMs: -1 }), RejectReason.invalidLatency],
      [makeEvent(now, { latencyMs: Number.POSITIVE_INFINITY }), RejectReason.invalidLatency],
      [makeEvent(Number.NaN), RejectReason.invalidEventTime],
      [makeEvent(-5), RejectReason.invalidEventTime],
      [makeEvent(now + 10_001), RejectReason.futureEventTime],
      [makeEvent(now, { metrics: { bytes: Number.NaN } }), RejectReason.invalidMetric],
    ] as const;
    for (const [event, reason] of bad) expect(windows.ingestEvent(event)).toEqual({ accepted: false, reason });
    expect(windows.readWatermarkMs()).toBeUndefined();
    expect(windows.countBuckets()).toBe(0);
    expect(windows.ingestEvent(makeEvent(now + 10_000)).accepted).toBe(true);
    expect(windows.countRejected()).toMatchObject({ invalid_latency: 3, invalid_event_time: 2, future_event_time: 1, invalid_metric: 1 });
  });

  it('keeps per-track windows over one shared watermark', () => {
    const { windows } = setup();
    windows.ingestEvent(makeEvent(T0 + 1_000, { track: 'baseline' }));
    windows.ingestEvent(makeEvent(T0 + 9_000, { track: 'canary' }));
    expect(windows.listTracks()).toEqual(['baseline', 'canary']);
    expect(windows.readWindow('baseline')!.endMs).toBe(windows.readWindow('canary')!.endMs);
    expect(windows.readWindow('baseline')!.requestCount).toBe(1);
    expect(windows.readWindow('unknown')).toBeUndefined();
  });

  it('sums custom metrics and bounds their names and the tracks', () => {
    const { windows } = setup({ maxTracks: 2, maxMetricNames: 1 });
    windows.ingestEvent(makeEvent(T0, { metrics: { bytesOut: 100 } }));
    windows.ingestEvent(makeEvent(T0 + 10, { metrics: { bytesOut: 50 } }));
    expect(windows.ingestEvent(makeEvent(T0 + 20, { metrics: { other: 1 } }))).toEqual({ accepted: false, reason: RejectReason.tooManyMetrics });
    windows.ingestEvent(makeEvent(T0 + 30, { track: 'baseline' }));
    expect(windows.ingestEvent(makeEvent(T0 + 40, { track: 'third' }))).toEqual({ accepted: false, reason: RejectReason.tooManyTracks });
    windows.ingestEvent(makeEvent(T0 + 5_000));
    expect(windows.readWindow('canary')!.metricSums).toEqual({ bytesOut: 150 });
  });

  it('bounds memory: buckets older than the window are evicted', () => {
    const { windows } = setup();
    for (let second = 0; second < 1_000; second++) windows.ingestEvent(makeEvent(T0 + second * 1_000 + 500));
    // window 10 s + lateness 2 s + the open bucket and the one holding the watermark.
    expect(windows.countBuckets()).toBeLessThanOrEqual(14);
    expect(windows.readWindow('canary')!.requestCount).toBe(10);
  });

  it('refuses an event routed to the wrong rollout', () => {
    const { windows } = setup();
    expect(() => windows.ingestEvent(makeEvent(T0, { rollout: 'r2' }))).toThrow(AppError);
  });

  it('reads quantiles per bucket and says undefined for a bad quantile', () => {
    const { windows } = setup();
    for (const latencyMs of [10, 20, 30, 40]) windows.ingestEvent(makeEvent(T0 + 100, { latencyMs }));
    windows.ingestEvent(makeEvent(T0 + 5_000));
    const [bucket] = windows.readWindow('canary')!.buckets;
    expect(bucket!.readLatencyQuantileMs(1)).toBeCloseTo(40, -0.5);
    expect(bucket!.readLatencyQuantileMs(1.5)).toBeUndefined();
  });
});
