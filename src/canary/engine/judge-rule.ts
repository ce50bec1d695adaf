import { judgeMannWhitneyWindows } from '../judges/mann-whitney-judge.js';
import { judgeThreshold, type ThresholdRule } from '../judges/threshold-judge.js';
import { type JudgeResult, Verdict } from '../judges/verdict.js';
import { readWindowMetric } from '../judges/window-metric.js';
import { resolvePolicyMetric } from '../policy/policy-metric.js';
import type { PolicyRule } from '../policy/policy-model.js';
import type { DecisionWindows } from './decision.js';

/** One rule's verdict over one evaluation's windows, with the numbers it rests on. */
export interface RuleJudgement extends JudgeResult {
  comparison: string;
  referenceTrack?: 'baseline' | 'stable';
  canaryValue?: number;
  referenceValue?: number;
  pValue?: number;
  canarySamples: number;
  referenceSamples?: number;
}

export function judgeRule(rule: PolicyRule, windows: DecisionWindows): RuleJudgement {
  const { compare } = rule;
  const comparison = describeComparison(rule);
  const canary = windows.canary;
  const referenceTrack = compare.kind === 'max_ratio' || compare.kind === 'mann_whitney' ? compare.track : undefined;
  const reference = referenceTrack === undefined ? undefined : windows[referenceTrack];
  const base = { comparison, referenceTrack, canarySamples: canary?.requestCount ?? 0, referenceSamples: reference?.requestCount };
  const metric = resolvePolicyMetric(rule.metric);
  // A policy that passed parsePolicy never gets here; one built by hand with a bad metric must not
  // turn into a rollback, so it is an ERROR (which pauses).
  if (metric === undefined) return { ...base, verdict: Verdict.error, reason: `unknown metric '${rule.metric}'` };
  const values = {
    canaryValue: canary === undefined ? undefined : readWindowMetric(canary, metric),
    referenceValue: reference === undefined ? undefined : readWindowMetric(reference, metric),
  };
  if (compare.kind === 'mann_whitney') {
    // The rank test counts buckets; minSamples still guards the requests behind them.
    const short = findShortWindow(rule, canary?.requestCount, referenceTrack, reference?.requestCount);
    if (short !== undefined) return { ...base, ...values, verdict: Verdict.noData, reason: short };
    const { direction, confidenceLevel, fraction, minEffect, minEffectRatio, minBuckets } = compare;
    const mw = { direction, confidenceLevel, fraction, minEffect, minEffectRatio, minSamples: minBuckets };
    const result = judgeMannWhitneyWindows(mw, metric, canary, reference);
    return { ...base, ...values, verdict: result.verdict, reason: result.reason, observed: result.observed, limit: result.limit, pValue: result.statistics?.pValue };
  }
  const threshold: ThresholdRule = {
    metric,
    bound: compare.kind === 'min' ? 'at_least' : 'at_most',
    limit: compare.kind === 'max_ratio' ? { kind: 'relative_to_baseline', factor: compare.factor } : { kind: 'absolute', value: compare.value },
    minSamples: rule.minSamples,
  };
  const result = judgeThreshold(threshold, canary, compare.kind === 'max_ratio' ? reference : undefined);
  // The judge speaks of "baseline" for any reference window; say which track it really was.
  const reason = referenceTrack === 'stable' ? result.reason.replaceAll('baseline', 'stable') : result.reason;
  return { ...base, ...values, ...result, reason };
}

function findShortWindow(rule: PolicyRule, canary: number | undefined, track: string | undefined, reference: number | undefined): string | undefined {
  if (canary === undefined) return 'no canary window yet';
  if (reference === undefined) return `no ${track} window yet`;
  if (canary < rule.minSamples) return `the canary window has ${canary} requests, fewer than minSamples ${rule.minSamples}`;
  if (reference < rule.minSamples) return `the ${track} window has ${reference} requests, fewer than minSamples ${rule.minSamples}`;
  return undefined;
}

export function describeComparison(rule: PolicyRule): string {
  const { compare } = rule;
  switch (compare.kind) {
    case 'max':
      return `≤ ${compare.value}`;
    case 'min':
      return `≥ ${compare.value}`;
    case 'max_ratio':
      return `≤ ${compare.factor} × ${compare.track}`;
    case 'mann_whitney':
      return `mann-whitney vs ${compare.track} (harmful: ${compare.direction})`;
  }
}
