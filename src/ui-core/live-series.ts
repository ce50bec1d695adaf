import type { Point } from './scale-chart.js';

/** One bucket of one track, as GET /api/v1/canary/rollouts/:id/series gives it. */
export interface SeriesBucket {
  startMs: number;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export type LiveMetric = 'errorRate' | 'p99Ms';

/**
 * One metric of one track per bucket, for the live charts: x is the bucket's start (ms), y the error
 * rate (errors / requests) or the p99 latency. Buckets without requests or without the value add no
 * point; points come out in time order.
 */
export function liveSeries(buckets: readonly SeriesBucket[] | undefined, metric: LiveMetric): Point[] {
  const points: Point[] = [];
  for (const bucket of [...(buckets ?? [])].sort((a, b) => a.startMs - b.startMs)) {
    if (bucket.requests <= 0) continue;
    const y = metric === 'errorRate' ? bucket.errors / bucket.requests : bucket.p99Ms;
    if (y === null || !Number.isFinite(y)) continue;
    points.push({ x: bucket.startMs, y });
  }
  return points;
}
