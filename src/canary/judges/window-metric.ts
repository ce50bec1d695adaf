import type { WindowSnapshot } from '../windows/window-snapshot.js';
import { readSketchQuantile } from '../windows/window-snapshot.js';

/** Which number of a window a rule looks at. */
export type WindowMetric =
  | { kind: 'latency_quantile'; quantile: number }
  | { kind: 'error_rate' }
  | { kind: 'request_count' }
  /** A custom metric's sum divided by the request count. */
  | { kind: 'metric_mean'; name: string };

/** The metric over the whole window; undefined when the window cannot give it (no requests). */
export function readWindowMetric(window: WindowSnapshot, metric: WindowMetric): number | undefined {
  switch (metric.kind) {
    case 'latency_quantile':
      return readSketchQuantile(window.latencyMs, metric.quantile);
    case 'error_rate':
      return window.requestCount === 0 ? undefined : window.errorCount / window.requestCount;
    case 'request_count':
      return window.requestCount;
    case 'metric_mean':
      return window.requestCount === 0 ? undefined : (window.metricSums[metric.name] ?? 0) / window.requestCount;
  }
}

/** The metric per bucket, in time order: the samples a rank test compares. */
export function readBucketSeries(window: WindowSnapshot, metric: WindowMetric): number[] {
  const series: number[] = [];
  for (const bucket of window.buckets) {
    const value = readBucketMetric(bucket, metric);
    if (value !== undefined) series.push(value);
  }
  return series;
}

function readBucketMetric(bucket: WindowSnapshot['buckets'][number], metric: WindowMetric): number | undefined {
  switch (metric.kind) {
    case 'latency_quantile':
      return bucket.readLatencyQuantileMs(metric.quantile);
    case 'error_rate':
      return bucket.requestCount === 0 ? undefined : bucket.errorCount / bucket.requestCount;
    case 'request_count':
      return bucket.requestCount;
    case 'metric_mean':
      return bucket.requestCount === 0 ? undefined : (bucket.metricSums[metric.name] ?? 0) / bucket.requestCount;
  }
}

export function describeWindowMetric(metric: WindowMetric): string {
  switch (metric.kind) {
    case 'latency_quantile':
      return `latency p${Math.round(metric.quantile * 1000) / 10}`;
    case 'error_rate':
      return 'error rate';
    case 'request_count':
      return 'request count';
    case 'metric_mean':
      return `mean ${metric.name}`;
  }
}
