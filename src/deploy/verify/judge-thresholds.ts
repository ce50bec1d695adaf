/**
 * Summary + thresholds → which held and which did not, each failure as one line saying the measured
 * value, the limit and what it was about. A latency threshold with no latency to judge (nothing got
 * a response) fails: "no evidence" must not pass a verification.
 */
import type { LoadTestSummary } from './summarize-load-test.js';
import { compareThreshold, describeThreshold, formatThresholdValue, type Threshold, type ThresholdMetric } from './threshold.js';

export interface ThresholdResult {
  threshold: Threshold;
  /** Undefined when the run has no value for the metric (latency of a run without responses). */
  actual: number | undefined;
  passed: boolean;
  /** `p99<200ms: 250.4ms` style, for the report and the step's log. */
  line: string;
}

export interface ThresholdVerdict {
  passed: boolean;
  results: ThresholdResult[];
  /** One line per failed threshold. */
  failures: string[];
}

export function judgeThresholds(summary: LoadTestSummary, thresholds: readonly Threshold[]): ThresholdVerdict {
  const results = thresholds.map((threshold): ThresholdResult => {
    const actual = metricValue(summary, threshold.metric);
    const wanted = describeThreshold(threshold);
    if (actual === undefined) {
      return { threshold, actual, passed: false, line: `${wanted} failed: no request got a response, so there is no latency to judge` };
    }
    const passed = compareThreshold(actual, threshold.op, threshold.value);
    const measured = formatThresholdValue(threshold.metric, actual);
    return { threshold, actual, passed, line: passed ? `${wanted} ok: ${measured}` : `${wanted} failed: measured ${measured}` };
  });
  const failures = results.filter((r) => !r.passed).map((r) => r.line);
  return { passed: failures.length === 0, results, failures };
}

export function metricValue(summary: LoadTestSummary, metric: ThresholdMetric): number | undefined {
  switch (metric) {
    case 'avgMs':
    case 'p50Ms':
    case 'p90Ms':
    case 'p95Ms':
    case 'p99Ms':
    case 'maxMs':
      return summary.latency?.[metric];
    case 'successRate':
      return summary.successRate;
    case 'rps':
      return summary.rps;
    case 'httpErrors':
      return summary.failures.http;
    case 'timeouts':
      return summary.failures.timeouts;
    case 'connectionErrors':
      return summary.failures.connection;
    case 'lateStarts':
      return summary.lateStarts + summary.missedStarts;
  }
}
