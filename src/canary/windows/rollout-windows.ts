import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { addEventToBucket, type Bucket, computeBucketStartMs, createBucket } from './bucket.js';
import { checkEvent } from './check-event.js';
import { createRejectCounts, type RejectCounts, RejectReason } from './reject-reason.js';
import type { TelemetryEvent } from './telemetry-event.js';
import { resolveWindowOptions, type WindowOptions } from './window-options.js';
import { mergeBuckets, type WindowSnapshot } from './window-snapshot.js';

export type IngestOutcome = { accepted: true; bucketStartMs: number; late: boolean } | { accepted: false; reason: RejectReason };

interface TrackState {
  buckets: Map<number, Bucket>;
  /** The bucket the track's last event went to: events arrive mostly in time order, so usually the next one's. */
  current: Bucket | undefined;
  metricNames: Set<string>;
  rejected: RejectCounts;
}

/**
 * Event-time windows of one rollout, one bucket series per track. The watermark is shared by the
 * rollout's tracks, so a canary window and its baseline window always cover the same interval.
 * Invariants: a bucket that ends at or before the watermark never changes again (later events for
 * it are too_late), and a track holds at most (window + lateness) / bucket + 2 buckets.
 */
export class RolloutWindows {
  readonly rollout: string;
  readonly options: Readonly<WindowOptions>;
  private readonly clock: Clock;
  private readonly bucketMs: number;
  private readonly tracks = new Map<string, TrackState>();
  private readonly rejected = createRejectCounts();
  private maxEventTimeMs: number | undefined;
  private acceptedCount = 0;
  private evictedBeforeMs = Number.NEGATIVE_INFINITY;

  constructor(rollout: string, clock: Clock, options: Partial<WindowOptions> = {}) {
    this.rollout = rollout;
    this.clock = clock;
    this.options = resolveWindowOptions(options);
    this.bucketMs = this.options.bucketSeconds * 1000;
  }

  ingestEvent(event: TelemetryEvent): IngestOutcome {
    if (event.rollout !== this.rollout) {
      throw new AppError(ErrorCode.invalidArgument, `event for rollout '${event.rollout}' was routed to the windows of '${this.rollout}'`);
    }
    const watermarkMs = this.readWatermarkMs();
    const maxFutureSkewMs = this.options.maxFutureSkewSeconds * 1000;
    const invalid = checkEvent(event, { nowMs: this.clock.now(), watermarkMs, maxFutureSkewMs });
    const track = this.tracks.get(event.track);
    if (invalid !== undefined) return this.reject(invalid, track);
    if (track === undefined && this.tracks.size >= this.options.maxTracks) return this.reject(RejectReason.tooManyTracks, undefined);
    const state = track ?? this.addTrack(event.track);
    // Most events carry no custom metrics: they allocate nothing here.
    if (event.metrics !== undefined) {
      const newNames = Object.keys(event.metrics).filter((name) => !state.metricNames.has(name));
      if (state.metricNames.size + newNames.length > this.options.maxMetricNames) return this.reject(RejectReason.tooManyMetrics, state);
      for (const name of newNames) state.metricNames.add(name);
    }

    const bucketStartMs = computeBucketStartMs(event.eventTimeMs, this.bucketMs);
    let bucket = state.current !== undefined && state.current.startMs === bucketStartMs ? state.current : state.buckets.get(bucketStartMs);
    if (bucket === undefined) {
      bucket = createBucket(bucketStartMs, this.options.relativeAccuracy);
      state.buckets.set(bucketStartMs, bucket);
    }
    state.current = bucket;
    addEventToBucket(bucket, event);
    this.acceptedCount += 1;
    const late = this.maxEventTimeMs !== undefined && event.eventTimeMs < this.maxEventTimeMs;
    if (this.maxEventTimeMs === undefined || event.eventTimeMs > this.maxEventTimeMs) {
      this.maxEventTimeMs = event.eventTimeMs;
      this.evictOldBuckets();
    }
    return { accepted: true, bucketStartMs, late };
  }

  /** Newest accepted event time minus the allowed lateness; undefined before the first event. */
  readWatermarkMs(): number | undefined {
    if (this.maxEventTimeMs === undefined) return undefined;
    return this.maxEventTimeMs - this.options.allowedLatenessSeconds * 1000;
  }

  /** End of the current window: the last bucket boundary at or before the watermark. */
  readWindowEndMs(): number | undefined {
    const watermarkMs = this.readWatermarkMs();
    return watermarkMs === undefined ? undefined : computeBucketStartMs(watermarkMs, this.bucketMs);
  }

  /** The track's current window, or undefined before the rollout's first event or for an unseen track. */
  readWindow(track: string): WindowSnapshot | undefined {
    const endMs = this.readWindowEndMs();
    const state = this.tracks.get(track);
    if (endMs === undefined || state === undefined) return undefined;
    const startMs = endMs - this.options.windowSeconds * 1000;
    const scope = { rollout: this.rollout, track, startMs, endMs, relativeAccuracy: this.options.relativeAccuracy, rejected: state.rejected };
    return mergeBuckets(state.buckets.values(), scope);
  }

  listTracks(): string[] {
    return [...this.tracks.keys()];
  }

  /** All rejections of the rollout, including those that never reached a track. */
  countRejected(): Readonly<RejectCounts> {
    return { ...this.rejected };
  }

  /** Events folded into a bucket since the rollout started (evicted buckets' events included). */
  countAccepted(): number {
    return this.acceptedCount;
  }

  countBuckets(): number {
    let count = 0;
    for (const state of this.tracks.values()) count += state.buckets.size;
    return count;
  }

  private addTrack(track: string): TrackState {
    const state: TrackState = { buckets: new Map(), current: undefined, metricNames: new Set(), rejected: createRejectCounts() };
    this.tracks.set(track, state);
    return state;
  }

  private reject(reason: RejectReason, track: TrackState | undefined): IngestOutcome {
    this.rejected[reason] += 1;
    if (track !== undefined) track.rejected[reason] += 1;
    return { accepted: false, reason };
  }

  /** Buckets wholly before the current window can no longer be read nor written. */
  private evictOldBuckets(): void {
    const endMs = this.readWindowEndMs();
    if (endMs === undefined) return;
    const oldestStartMs = endMs - this.options.windowSeconds * 1000;
    // The window end moves once per bucket, not once per event: scan only then.
    if (oldestStartMs <= this.evictedBeforeMs) return;
    this.evictedBeforeMs = oldestStartMs;
    for (const state of this.tracks.values()) {
      for (const startMs of state.buckets.keys()) if (startMs < oldestStartMs) state.buckets.delete(startMs);
      if (state.current !== undefined && state.current.startMs < oldestStartMs) state.current = undefined;
    }
  }
}
