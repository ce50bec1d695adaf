import type { RolloutWindows } from '../windows/rollout-windows.js';

/** One bucket (a second, by default) of one track, as the live charts plot it. */
export interface SeriesPoint {
  startMs: number;
  requests: number;
  errors: number;
  /** Null for a bucket without requests (such buckets are left out anyway); null, not undefined, as in JSON. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** A rollout's current analysis window, bucket by bucket, per track (canary, baseline, stable). */
export interface RolloutSeries {
  /** Where the window ends (the watermark's bucket boundary); undefined before the first event. */
  windowEndMs: number | undefined;
  tracks: Record<string, SeriesPoint[]>;
}

/** Reads the closed buckets of every track's current window: nothing is computed that the judges do not also see. */
export function readRolloutSeries(windows: RolloutWindows): RolloutSeries {
  const tracks: Record<string, SeriesPoint[]> = {};
  for (const track of windows.listTracks()) {
    const window = windows.readWindow(track);
    if (window === undefined) continue;
    tracks[track] = window.buckets.map((bucket) => ({
      startMs: bucket.startMs,
      requests: bucket.requestCount,
      errors: bucket.errorCount,
      p50Ms: bucket.readLatencyQuantileMs(0.5) ?? null,
      p99Ms: bucket.readLatencyQuantileMs(0.99) ?? null,
    }));
  }
  return { windowEndMs: windows.readWindowEndMs(), tracks };
}
