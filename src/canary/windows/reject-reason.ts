/** Why an event was counted but not folded into a window. A closed set: counters are keyed by it. */
export const RejectReason = {
  /** eventTimeMs is not a finite, non-negative number. */
  invalidEventTime: 'invalid_event_time',
  /** latencyMs is NaN, infinite or negative. */
  invalidLatency: 'invalid_latency',
  /** A custom metric value is not a finite number. */
  invalidMetric: 'invalid_metric',
  /** The event time is further ahead of the clock than maxFutureSkewSeconds. */
  futureEventTime: 'future_event_time',
  /** The event time is behind the watermark: its window may already have been judged. */
  tooLate: 'too_late',
  /** The rollout already has maxTracks tracks. */
  tooManyTracks: 'too_many_tracks',
  /** The track already has maxMetricNames custom metric names. */
  tooManyMetrics: 'too_many_metrics',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export type RejectCounts = Record<RejectReason, number>;

export function createRejectCounts(): RejectCounts {
  const counts = {} as RejectCounts;
  for (const reason of Object.values(RejectReason)) counts[reason] = 0;
  return counts;
}
