/**
 * deploy/verify — checking a deployment by putting load on it and judging the result.
 *
 * Glossary
 * - load test: requests sent to a target for a bounded count or duration, with a per-request timeout.
 * - closed model: `concurrency` workers, each sending its next request when its last one ended; the
 *   load follows the target's speed.
 * - open model: requests start at a fixed `rate` whether or not earlier ones answered; a request
 *   that starts more than LATE_START_TOLERANCE_MS behind schedule is a late start, one that never
 *   starts before the end a missed start.
 * - failure kinds: http (a response outside okStatusMin..okStatusMax), timeout (no whole response
 *   within timeoutMs), connection (refused, reset, closed mid-response).
 * - connection: one keep-alive HTTP/1.1 connection of the load generator's own lean client
 *   (http1-connection.ts, plain http:// only), one per unit of concurrency, reopened after the
 *   target closes it or a request on it fails.
 * - threshold: one comparison the summary must satisfy (`p99<200ms`, `success>=99.5%`); any failed
 *   threshold fails the verification.
 * - report: the JSON document of a verification (options, summary, threshold results), stored as
 *   the step's artifact and rendered in its log.
 */
export { countDue, countPlanned, scheduledAtMs } from './arrival-schedule.js';
export { type LoadReport, buildLoadReport, formatLoadReport } from './format-load-report.js';
export { type ThresholdResult, type ThresholdVerdict, judgeThresholds } from './judge-thresholds.js';
export type { LoadTestRun } from './load-recorder.js';
export {
  DEFAULT_DURATION_MS,
  type LoadTestOptions,
  type LoadTestOptionsInput,
  loadTestOptionsSchema,
  parseLoadTestOptions,
} from './load-test-options.js';
export { parseThreshold } from './parse-threshold.js';
export { LATE_START_TOLERANCE_MS, type RunLoadTestDeps, runLoadTest } from './run-load-test.js';
export { type LatencySummary, type LoadTestSummary, percentile, summarizeLoadTest } from './summarize-load-test.js';
export { type Threshold, type ThresholdMetric, describeThreshold } from './threshold.js';
export { type Verification, type VerifyDeps, verifyWithLoadTest } from './verify-with-load-test.js';
