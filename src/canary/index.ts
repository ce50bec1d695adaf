/**
 * canary/ — telemetry windows and judges: the pure core of the canary control plane. No I/O; the
 * engine loop, policies, the bus and gRPC build on this.
 *
 * Glossary
 * - rollout: one release moving to production step by step, with a canary and a baseline.
 * - track: the side of a rollout that served a request: `canary` (new) or `baseline` (current).
 * - event: one request as telemetry reports it: rollout, track, event time, latency, error flag.
 * - bucket: one track's events in one event-time slice (1 s by default): counts, error count, a
 *   latency sketch and custom metric sums. Buckets are aligned to the epoch.
 * - window: the merge of a track's closed buckets over the last `windowSeconds`, ending at the last
 *   bucket boundary at or before the watermark. A window, once read, never changes.
 * - watermark: the rollout's newest accepted event time minus the allowed lateness; event time
 *   before it is considered complete.
 * - lateness: how far an event's time is behind the newest event time. Within `allowedLatenessSeconds`
 *   it is folded into its bucket; beyond it the event is counted as `too_late` and dropped.
 * - sketch: a DDSketch of latencies: mergeable, quantiles within `relativeAccuracy` of the truth.
 * - verdict: NO_DATA, ERROR, INCONCLUSIVE, FAIL or PASS — what a judge says about one rule.
 * - judge: a pure function from a rule and windows (or samples) to a verdict: threshold, Mann-Whitney.
 * - rule: one check of a policy, e.g. `canary p99 ≤ 1.2 × baseline p99`, applied by a judge.
 * - decision: what the engine makes of a window's verdicts: PROMOTE, PAUSE or ROLLBACK (built on top).
 */
export { computeBucketStartMs } from './windows/bucket.js';
export { checkEvent, type EventCheckContext } from './windows/check-event.js';
export { createRejectCounts, type RejectCounts, RejectReason } from './windows/reject-reason.js';
export { type IngestOutcome, RolloutWindows } from './windows/rollout-windows.js';
export type { TelemetryEvent } from './windows/telemetry-event.js';
export { DEFAULT_WINDOW_OPTIONS, resolveWindowOptions, type WindowOptions } from './windows/window-options.js';
export { type BucketView, readSketchQuantile, type WindowSnapshot } from './windows/window-snapshot.js';
export { type MannWhitneyOptions, type MannWhitneyOutcome, type MannWhitneyResult, runMannWhitney } from './judges/mann-whitney.js';
export { judgeMannWhitney, judgeMannWhitneyWindows, type MannWhitneyJudgeResult, type MannWhitneyRule } from './judges/mann-whitney-judge.js';
export { judgeThreshold, type ThresholdRule } from './judges/threshold-judge.js';
export { type JudgeResult, Verdict } from './judges/verdict.js';
export { describeWindowMetric, readBucketSeries, readWindowMetric, type WindowMetric } from './judges/window-metric.js';
