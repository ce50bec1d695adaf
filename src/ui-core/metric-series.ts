import type { Point } from './scale-chart.js';

/** The fields of a stored canary decision this module reads (the API's DecisionRecord). */
export interface DecisionLike {
  sequence: number;
  createdAtMs: number;
  evidence: Record<string, unknown>;
}

export interface MetricSeries {
  canary: Point[];
  baseline: Point[];
  /** The rule's limit at each decision, when it has one (x as above). */
  threshold: Point[];
}

interface RuleEvidence {
  metric?: unknown;
  canaryValue?: unknown;
  referenceValue?: unknown;
  threshold?: unknown;
}

/**
 * One metric (`error_rate`, `latency_p99`, …) over a rollout's decisions: x is the end of each
 * decision's window (ms), y the canary's and the baseline's values from the rule evidence. Decisions
 * whose rules did not measure the metric add no point; with several rules on one metric, the first
 * that gives each value is used. Points come out in time order.
 */
export function metricSeries(decisions: readonly DecisionLike[], metric: string): MetricSeries {
  const series: MetricSeries = { canary: [], baseline: [], threshold: [] };
  const ordered = [...decisions].sort((a, b) => timeOf(a) - timeOf(b) || a.sequence - b.sequence);
  for (const decision of ordered) {
    const rules = Array.isArray(decision.evidence['rules']) ? (decision.evidence['rules'] as RuleEvidence[]) : [];
    const measured = rules.filter((r) => r.metric === metric);
    const canary = measured.find((r) => typeof r.canaryValue === 'number');
    const baseline = measured.find((r) => typeof r.referenceValue === 'number');
    const limit = measured.find((r) => typeof r.threshold === 'number');
    const x = timeOf(decision);
    if (canary) series.canary.push({ x, y: canary.canaryValue as number });
    if (baseline) series.baseline.push({ x, y: baseline.referenceValue as number });
    if (limit) series.threshold.push({ x, y: limit.threshold as number });
  }
  return series;
}

function timeOf(decision: DecisionLike): number {
  const end = decision.evidence['windowEndMs'];
  return typeof end === 'number' ? end : decision.createdAtMs;
}
