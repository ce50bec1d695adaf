import type { WindowSnapshot } from '../windows/window-snapshot.js';
import { type JudgeResult, Verdict } from './verdict.js';
import { describeWindowMetric, readWindowMetric, type WindowMetric } from './window-metric.js';

/** `canary p99 ≤ 1.2 × baseline p99` is { metric: p99, bound: 'at_most', limit: relative 1.2 }. */
export interface ThresholdRule {
  metric: WindowMetric;
  /** 'at_most' passes when canary ≤ limit (latency, errors); 'at_least' when canary ≥ limit (throughput). */
  bound: 'at_most' | 'at_least';
  limit: { kind: 'absolute'; value: number } | { kind: 'relative_to_baseline'; factor: number };
  /** Requests each window it reads needs; with fewer the verdict is NO_DATA. */
  minSamples: number;
}

/** Judge the canary window against a fixed limit or against the baseline window of the same interval. */
export function judgeThreshold(rule: ThresholdRule, canary: WindowSnapshot | undefined, baseline?: WindowSnapshot): JudgeResult {
  const what = describeWindowMetric(rule.metric);
  const ruleProblem = findRuleProblem(rule);
  if (ruleProblem !== undefined) return { verdict: Verdict.error, reason: `threshold rule on ${what}: ${ruleProblem}` };
  const relative = rule.limit.kind === 'relative_to_baseline';
  const short = findShortWindow(rule.minSamples, canary, relative ? baseline : null);
  if (short !== undefined) return { verdict: Verdict.noData, reason: `${what}: ${short}` };
  const observed = readWindowMetric(canary!, rule.metric);
  if (observed === undefined) return { verdict: Verdict.noData, reason: `${what}: the canary window has no value for it` };
  let limit: number;
  if (rule.limit.kind === 'absolute') {
    limit = rule.limit.value;
  } else {
    const baselineValue = readWindowMetric(baseline!, rule.metric);
    if (baselineValue === undefined) return { verdict: Verdict.noData, reason: `${what}: the baseline window has no value for it` };
    limit = rule.limit.factor * baselineValue;
  }
  if (!Number.isFinite(observed) || !Number.isFinite(limit)) {
    return { verdict: Verdict.error, reason: `${what}: got canary ${observed} against limit ${limit}, which cannot be compared` };
  }
  const holds = rule.bound === 'at_most' ? observed <= limit : observed >= limit;
  const sign = rule.bound === 'at_most' ? '≤' : '≥';
  const limitText = rule.limit.kind === 'absolute' ? `${limit}` : `${limit} (${rule.limit.factor} × baseline)`;
  const reason = `canary ${what} ${observed} ${holds ? 'is' : 'is not'} ${sign} ${limitText}`;
  return { verdict: holds ? Verdict.pass : Verdict.fail, reason, observed, limit };
}

function findRuleProblem(rule: ThresholdRule): string | undefined {
  if (rule.metric.kind === 'latency_quantile' && !(rule.metric.quantile >= 0 && rule.metric.quantile <= 1)) return 'the quantile must be between 0 and 1';
  if (!(Number.isInteger(rule.minSamples) && rule.minSamples >= 0)) return 'minSamples must be a whole number ≥ 0';
  if (rule.limit.kind === 'absolute' && !Number.isFinite(rule.limit.value)) return 'the limit must be a finite number';
  if (rule.limit.kind === 'relative_to_baseline' && !(Number.isFinite(rule.limit.factor) && rule.limit.factor > 0)) return 'the factor must be a number > 0';
  return undefined;
}

/** null baseline: the rule does not read one. */
function findShortWindow(minSamples: number, canary: WindowSnapshot | undefined, baseline: WindowSnapshot | undefined | null): string | undefined {
  if (canary === undefined) return 'no canary window yet';
  if (baseline === undefined) return 'no baseline window yet';
  if (canary.requestCount < minSamples) return `the canary window has ${canary.requestCount} requests, fewer than minSamples ${minSamples}`;
  if (baseline !== null && baseline.requestCount < minSamples) {
    return `the baseline window has ${baseline.requestCount} requests, fewer than minSamples ${minSamples}`;
  }
  return undefined;
}
