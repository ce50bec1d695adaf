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
 * - policy: a YAML file of rules plus window shape, minSamples and step duration; its version is a
 *   hash of its content, and a rollout keeps the version it started with unless re-pinned.
 * - evaluation: one run of decide() on a window advance; its action may be NONE (keep course).
 * - backtest: recorded telemetry replayed through the same engine under a replay clock.
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
// Decisions (store, watch, bus) and the wire side (protobuf, gRPC, HTTP intake): I/O on top of the core.
export type { CanaryRollout } from './decisions/rollout.js';
export { type CreateRolloutInput, createRollout } from './decisions/create-rollout.js';
export { getRollout, getRolloutOwners, type RolloutOwner } from './decisions/get-rollout.js';
export type { TeamScope } from './decisions/team-scope.js';
export { type DecisionInput, type DecisionRecord, type RecordedAction, recordedActions } from './decisions/decision.js';
export { type RecordDecisionResult, recordDecision } from './decisions/record-decision.js';
export { fromEngineDecision } from './decisions/from-engine-decision.js';
export { type RecordAndPublishDeps, recordAndPublishDecision } from './decisions/record-and-publish-decision.js';
export { type ListDecisionsOptions, listDecisions, maxListDecisionsLimit } from './decisions/list-decisions.js';
export { createDecisionNotifier, type DecisionFilter, type DecisionNotice, type DecisionNotifier } from './decisions/decision-notifier.js';
export { type WatchDecisionsDeps, type WatchDecisionsOptions, watchDecisions } from './decisions/watch-decisions.js';
export { decodeDecision, encodeDecision, toDecisionMessage, toRolloutMessage } from './decisions/decision-message.js';
export { decisionsTopic } from './decisions/decisions-topic.js';
export { type RelayDecisionsOptions, relayDecisionsFromBus } from './decisions/relay-decisions-from-bus.js';
export type { IngestedEvent, TrackName } from './api/ingested-event.js';
export { IngestRejectReason } from './api/ingest-reject-reason.js';
export type { IngestCounts } from './api/ingest-counts.js';
export { decodeTelemetryPayload, telemetryTopic } from './api/decode-telemetry-payload.js';
export { compactTelemetryEvents } from './api/compact-telemetry-events.js';
export { expandTelemetryBatch } from './api/expand-telemetry-batch.js';
export { type RolloutLookup, type RolloutLookupOptions, createRolloutLookup } from './api/rollout-lookup.js';
export { type TelemetryIngestor, type TelemetryIngestorOptions, createTelemetryIngestor } from './api/create-telemetry-ingestor.js';
export { type CanaryCaller, type CanaryServiceDeps, createCanaryService } from './api/create-canary-service.js';
export { type GrpcServer, type GrpcServerOptions, startGrpcServer } from './api/start-grpc-server.js';
export { type TelemetryRouteDeps, registerTelemetryRoutes } from './api/register-telemetry-routes.js';
export { grpcCodeFor, toConnectError } from './api/to-connect-error.js';
// Policies (YAML → versioned Policy) and the engine (decide, the loop, backtest).
export { POLICY_DEFAULTS } from './policy/build-policy.js';
export { DEFAULT_POLICY, DEFAULT_POLICY_YAML } from './policy/default-policy.js';
export { loadPolicyFile } from './policy/load-policy-file.js';
export { type PolicyParseResult, parsePolicy } from './policy/parse-policy.js';
export { BUILT_IN_METRICS, resolvePolicyMetric } from './policy/policy-metric.js';
export type { FailureCounting, Policy, PolicyRule, ReferenceTrack, RuleAction, RuleCompare } from './policy/policy-model.js';
export { type PolicyWatcher, type PolicyWatchOptions, watchPolicyFile } from './policy/watch-policy-file.js';
export { type BacktestOptions, type BacktestResult, runBacktest } from './engine/backtest.js';
export { type DecideInput, type DecideOutput, decide, makeIdempotencyKey } from './engine/decide.js';
export {
  type Decision,
  DecisionAction,
  type DecisionHistory,
  type DecisionWindows,
  type RolloutPosition,
  type RolloutState,
  type RuleEvidence,
} from './engine/decision.js';
export { formatDecisionEvidence, formatDecisionLine } from './engine/format-decision.js';
export { type CanaryEngine, createCanaryEngine, type EngineIngestOutcome, type EngineOptions, type StartRollout, type WindowLimits } from './engine/run-engine.js';
export { detectTelemetryFormat, readTelemetryFile, TELEMETRY_READERS, type TelemetryFormat, type TelemetryReader } from './engine/read-telemetry-file.js';
export { formatTelemetryRecord, type TelemetryRecord } from './engine/telemetry-record.js';
// The running control plane of a server process: intake → engine → store + bus + WatchDecisions.
export { getDecision } from './decisions/get-decision.js';
export { readLastDecisionSequence } from './decisions/read-last-decision-sequence.js';
export { toEngineDecision } from './decisions/to-engine-decision.js';
export { encodeTelemetryEvents } from './api/encode-telemetry-events.js';
export { type CanaryLogger, type CanaryService, type CanaryServiceOptions, type SetPolicyResult, startCanaryService } from './service/start-canary-service.js';
export { createDeployLink, type DeployDecision, type DeployLink } from './service/create-deploy-link.js';
