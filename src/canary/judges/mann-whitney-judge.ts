import type { WindowSnapshot } from '../windows/window-snapshot.js';
import { type MannWhitneyResult, runMannWhitney } from './mann-whitney.js';
import { sortAscending } from './rank-samples.js';
import { type JudgeResult, Verdict } from './verdict.js';
import { describeWindowMetric, readBucketSeries, type WindowMetric } from './window-metric.js';

/**
 * Kayenta's Mann-Whitney classifier (kayenta-judge MannWhitneyClassifier): a shift is real when its
 * confidence interval clears ±fraction × |Hodges–Lehmann estimate|. Added on top: an effect-size
 * gate, so that a real but negligible harmful shift gives INCONCLUSIVE instead of FAIL. With both
 * gates at 0 (the default) the verdicts are Kayenta's: its High/Low in the harmful direction → FAIL.
 */
export interface MannWhitneyRule {
  /** Which canary shift is harmful: 'increase' (latency, errors), 'decrease' (throughput), 'either'. */
  direction: 'increase' | 'decrease' | 'either';
  /** Two-sided confidence level of the shift's interval. Default 0.95. */
  confidenceLevel?: number;
  /** Kayenta's bound as a fraction of |estimate|. Default 0.25 (Kayenta's default). */
  fraction?: number;
  /** Samples each side needs; with fewer the verdict is NO_DATA. Default 1. */
  minSamples?: number;
  /** A harmful shift must reach |estimate| ≥ this (in the metric's unit) to FAIL. Default 0. */
  minEffect?: number;
  /** ... and |estimate| / |baseline median| ≥ this. Default 0. */
  minEffectRatio?: number;
}

export interface MannWhitneyJudgeResult extends JudgeResult {
  statistics?: MannWhitneyResult;
}

export function judgeMannWhitney(rule: MannWhitneyRule, canary: readonly number[], baseline: readonly number[]): MannWhitneyJudgeResult {
  const minSamples = Math.max(1, rule.minSamples ?? 1);
  if (canary.length < minSamples || baseline.length < minSamples) {
    return { verdict: Verdict.noData, reason: `${canary.length} canary and ${baseline.length} baseline samples; each side needs ${minSamples}` };
  }
  const sortedCanary = sortAscending(canary);
  const sortedBaseline = sortAscending(baseline);
  if (sortedCanary.length === sortedBaseline.length && sortedCanary.every((value, i) => value === sortedBaseline[i])) {
    return { verdict: Verdict.pass, reason: 'canary and baseline samples are identical' };
  }
  const outcome = runMannWhitney(canary, baseline, { confidenceLevel: rule.confidenceLevel ?? 0.95 });
  if (!outcome.ok) {
    if (outcome.reason === 'all_tied') return { verdict: Verdict.pass, reason: 'every canary and baseline sample has the same value' };
    return { verdict: Verdict.error, reason: `the rank test cannot run: ${outcome.reason.replaceAll('_', ' ')}` };
  }
  const statistics = outcome.result;
  const { estimate, lowerBound, upperBound, pValue } = statistics;
  const bound = (rule.fraction ?? 0.25) * Math.abs(estimate);
  const high = rule.direction !== 'decrease' && lowerBound > bound;
  const low = rule.direction !== 'increase' && upperBound < -bound;
  const summary = `shift ${estimate} (interval ${lowerBound} to ${upperBound}, p = ${pValue.toPrecision(3)})`;
  if (!high && !low) return { verdict: Verdict.pass, reason: `no harmful shift: ${summary}`, observed: estimate, limit: bound, statistics };
  const baselineMedian = computeSortedMedian(sortedBaseline);
  const ratio = Math.abs(estimate) / Math.abs(baselineMedian);
  const big = Math.abs(estimate) >= (rule.minEffect ?? 0) && (Number.isNaN(ratio) ? 0 : ratio) >= (rule.minEffectRatio ?? 0);
  const which = high ? 'higher' : 'lower';
  if (!big) {
    return { verdict: Verdict.inconclusive, reason: `canary is ${which} but below the effect-size gate: ${summary}`, observed: estimate, limit: bound, statistics };
  }
  return { verdict: Verdict.fail, reason: `canary is ${which}: ${summary}`, observed: estimate, limit: bound, statistics };
}

/** The rank test over per-bucket values of one metric, canary window against baseline window. */
export function judgeMannWhitneyWindows(
  rule: MannWhitneyRule,
  metric: WindowMetric,
  canary: WindowSnapshot | undefined,
  baseline: WindowSnapshot | undefined,
): MannWhitneyJudgeResult {
  if (canary === undefined || baseline === undefined) return { verdict: Verdict.noData, reason: `${describeWindowMetric(metric)}: no window yet` };
  const result = judgeMannWhitney(rule, readBucketSeries(canary, metric), readBucketSeries(baseline, metric));
  return { ...result, reason: `${describeWindowMetric(metric)}: ${result.reason}` };
}

function computeSortedMedian(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
