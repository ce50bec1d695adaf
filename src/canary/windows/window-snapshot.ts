import { DDSketch } from '@datadog/sketches-js';
import type { Bucket } from './bucket.js';
import { type LatencyBins, mergeLatencyBins } from './latency-bins.js';
import type { RejectCounts } from './reject-reason.js';

/** One closed bucket as judges see it: numbers only, the sketch stays inside. */
export interface BucketView {
  startMs: number;
  requestCount: number;
  errorCount: number;
  metricSums: Readonly<Record<string, number>>;
  /** Undefined when the bucket holds no requests. */
  readLatencyQuantileMs(quantile: number): number | undefined;
}

/** One track's window [startMs, endMs): closed buckets only, so it never changes once read. */
export interface WindowSnapshot {
  rollout: string;
  track: string;
  startMs: number;
  endMs: number;
  requestCount: number;
  errorCount: number;
  /** A fresh merge of the buckets' sketches: the caller may keep, merge or serialize it. */
  latencyMs: DDSketch;
  metricSums: Readonly<Record<string, number>>;
  /** Non-empty buckets in time order. */
  buckets: readonly BucketView[];
  /** Events of this track rejected since the rollout started, by reason. */
  rejected: Readonly<RejectCounts>;
}

export interface SnapshotScope {
  rollout: string;
  track: string;
  startMs: number;
  endMs: number;
  relativeAccuracy: number;
  rejected: RejectCounts;
}

/** Merge the buckets (any order) that fall in [scope.startMs, scope.endMs). */
export function mergeBuckets(buckets: Iterable<Bucket>, scope: SnapshotScope): WindowSnapshot {
  const latencyMs = new DDSketch({ relativeAccuracy: scope.relativeAccuracy });
  const metricSums: Record<string, number> = {};
  const views: BucketView[] = [];
  const latencies: LatencyBins[] = [];
  let requestCount = 0;
  let errorCount = 0;
  for (const bucket of buckets) {
    if (bucket.startMs < scope.startMs || bucket.startMs >= scope.endMs || bucket.requestCount === 0) continue;
    requestCount += bucket.requestCount;
    errorCount += bucket.errorCount;
    latencies.push(bucket.latencyMs);
    if (bucket.metricSums !== undefined) for (const [name, sum] of bucket.metricSums) metricSums[name] = (metricSums[name] ?? 0) + sum;
    views.push(viewBucket(bucket));
  }
  mergeLatencyBins(latencies, latencyMs);
  views.sort((a, b) => a.startMs - b.startMs);
  const { rollout, track, startMs, endMs } = scope;
  return { rollout, track, startMs, endMs, requestCount, errorCount, latencyMs, metricSums, buckets: views, rejected: { ...scope.rejected } };
}

function viewBucket(bucket: Bucket): BucketView {
  return {
    startMs: bucket.startMs,
    requestCount: bucket.requestCount,
    errorCount: bucket.errorCount,
    metricSums: bucket.metricSums === undefined ? {} : Object.fromEntries(bucket.metricSums),
    readLatencyQuantileMs: (quantile) => bucket.latencyMs.readQuantile(quantile),
  };
}

/** DDSketch answers NaN or throws on an empty sketch; judges want "no value" instead. */
export function readSketchQuantile(sketch: DDSketch, quantile: number): number | undefined {
  if (sketch.count === 0 || !(quantile >= 0 && quantile <= 1)) return undefined;
  return sketch.getValueAtQuantile(quantile);
}
