/**
 * A threshold is one comparison a load test's summary must satisfy, e.g. `p99Ms < 200` or
 * `successRate >= 0.995`. Kept as data (metric, operator, value) rather than a fixed set of
 * `maxP99Ms`-style fields, because `success>99.5%` and `success>=99.5%` differ at small request
 * counts (199/200 is exactly 99.5%) and the operator the user wrote must be the one judged.
 */
export const THRESHOLD_METRICS = [
  'avgMs',
  'p50Ms',
  'p90Ms',
  'p95Ms',
  'p99Ms',
  'maxMs',
  /** Fraction 0..1 of requests that got an ok status. */
  'successRate',
  /** Completed requests per second over the whole run. */
  'rps',
  'httpErrors',
  'timeouts',
  'connectionErrors',
  /** Open model only: requests that started later than scheduled or never started. */
  'lateStarts',
] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

export const THRESHOLD_OPERATORS = ['<', '<=', '>', '>='] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

export interface Threshold {
  metric: ThresholdMetric;
  op: ThresholdOperator;
  value: number;
}

export function compareThreshold(actual: number, op: ThresholdOperator, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}

/** `p99Ms < 200` as the user would write it back: `p99<200ms`, `success>=99.5%`. */
export function describeThreshold(t: Threshold): string {
  return `${metricAlias(t.metric)}${t.op}${formatThresholdValue(t.metric, t.value)}`;
}

export function formatThresholdValue(metric: ThresholdMetric, value: number): string {
  if (metric.endsWith('Ms')) return `${round(value)}ms`;
  if (metric === 'successRate') return `${round(value * 100)}%`;
  return String(round(value));
}

function metricAlias(metric: ThresholdMetric): string {
  if (metric.endsWith('Ms')) return metric.slice(0, -2);
  if (metric === 'successRate') return 'success';
  return metric;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
