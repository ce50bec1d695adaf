import { DDSketch } from '@datadog/sketches-js';
import type { TelemetryEvent } from './telemetry-event.js';

/** What one track saw in one event-time bucket [startMs, startMs + bucketMs). */
export interface Bucket {
  startMs: number;
  requestCount: number;
  errorCount: number;
  latencyMs: DDSketch;
  metricSums: Map<string, number>;
}

export function createBucket(startMs: number, relativeAccuracy: number): Bucket {
  return { startMs, requestCount: 0, errorCount: 0, latencyMs: new DDSketch({ relativeAccuracy }), metricSums: new Map() };
}

/** The event must already have passed checkEvent. */
export function addEventToBucket(bucket: Bucket, event: TelemetryEvent): void {
  bucket.requestCount += 1;
  if (event.isError) bucket.errorCount += 1;
  bucket.latencyMs.accept(event.latencyMs);
  if (event.metrics === undefined) return;
  for (const [name, value] of Object.entries(event.metrics)) {
    bucket.metricSums.set(name, (bucket.metricSums.get(name) ?? 0) + value);
  }
}

/** Start of the bucket holding eventTimeMs; buckets are aligned to the epoch, not to the first event. */
export function computeBucketStartMs(eventTimeMs: number, bucketMs: number): number {
  return Math.floor(eventTimeMs / bucketMs) * bucketMs;
}
