import { LatencyBins, sharedKeyMapping } from './latency-bins.js';
import type { TelemetryEvent } from './telemetry-event.js';

/**
 * What one track saw in one event-time bucket [startMs, startMs + bucketMs). A bucket exists only once
 * an event has arrived for it; its latency sketch is sparse (LatencyBins) and its metric sums are
 * allocated with the first custom metric, so a quiet track's bucket costs a few hundred bytes.
 */
export interface Bucket {
  startMs: number;
  requestCount: number;
  errorCount: number;
  latencyMs: LatencyBins;
  /** Undefined until the bucket's first event with custom metrics. */
  metricSums: Map<string, number> | undefined;
}

export function createBucket(startMs: number, relativeAccuracy: number): Bucket {
  return { startMs, requestCount: 0, errorCount: 0, latencyMs: new LatencyBins(sharedKeyMapping(relativeAccuracy)), metricSums: undefined };
}

/** The event must already have passed checkEvent. */
export function addEventToBucket(bucket: Bucket, event: TelemetryEvent): void {
  bucket.requestCount += 1;
  if (event.isError) bucket.errorCount += 1;
  bucket.latencyMs.accept(event.latencyMs);
  if (event.metrics === undefined) return;
  for (const [name, value] of Object.entries(event.metrics)) {
    bucket.metricSums ??= new Map();
    bucket.metricSums.set(name, (bucket.metricSums.get(name) ?? 0) + value);
  }
}

/** Start of the bucket holding eventTimeMs; buckets are aligned to the epoch, not to the first event. */
export function computeBucketStartMs(eventTimeMs: number, bucketMs: number): number {
  return Math.floor(eventTimeMs / bucketMs) * bucketMs;
}
