import { RejectReason } from '../windows/reject-reason.js';

/**
 * Why ingestion refused an event. A closed set: summaries and metrics are keyed by it. The first four
 * are the window core's own (checkEvent); the rest need state or limits only ingestion has.
 */
export const IngestRejectReason = {
  invalidEventTime: RejectReason.invalidEventTime,
  invalidLatency: RejectReason.invalidLatency,
  invalidMetric: RejectReason.invalidMetric,
  futureEventTime: RejectReason.futureEventTime,
  /** Older than maxEventAgeMs: a producer replaying old data or a clock far behind. */
  tooOld: 'too_old',
  /** The track is unspecified or not one this server knows. */
  invalidTrack: 'invalid_track',
  /** No rollout with this id is registered (or the id is empty). */
  unknownRollout: 'unknown_rollout',
  /** The rollout exists but belongs to another service. */
  serviceMismatch: 'service_mismatch',
  /** More custom metrics on one event than maxMetricsPerEvent. */
  tooManyMetrics: RejectReason.tooManyMetrics,
} as const;
export type IngestRejectReason = (typeof IngestRejectReason)[keyof typeof IngestRejectReason];
