import type { WindowMetric } from '../judges/window-metric.js';
import { suggestClosest } from '../../pipeline/suggest-closest.js';

const LATENCY_QUANTILES = { latency_p50: 0.5, latency_p90: 0.9, latency_p95: 0.95, latency_p99: 0.99 } as const;

export const BUILT_IN_METRICS = ['error_rate', ...Object.keys(LATENCY_QUANTILES)] as const;

const CUSTOM_PREFIX = 'custom:';
/** Same alphabet telemetry uses for custom metric names; keeps names safe in keys and URLs. */
const CUSTOM_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Names other tools use for ours; tried before edit distance. */
const METRIC_ALIASES: Record<string, string> = {
  errors: 'error_rate',
  error_ratio: 'error_rate',
  p50: 'latency_p50',
  p90: 'latency_p90',
  p95: 'latency_p95',
  p99: 'latency_p99',
  median: 'latency_p50',
};

/** The window number a policy metric reads; undefined for a name that is not a metric. */
export function resolvePolicyMetric(metric: string): WindowMetric | undefined {
  if (metric === 'error_rate') return { kind: 'error_rate' };
  if (Object.hasOwn(LATENCY_QUANTILES, metric)) {
    return { kind: 'latency_quantile', quantile: LATENCY_QUANTILES[metric as keyof typeof LATENCY_QUANTILES] };
  }
  if (metric.startsWith(CUSTOM_PREFIX) && CUSTOM_NAME_PATTERN.test(metric.slice(CUSTOM_PREFIX.length))) {
    return { kind: 'metric_mean', name: metric.slice(CUSTOM_PREFIX.length) };
  }
  return undefined;
}

export function isLatencyMetric(metric: string): boolean {
  return Object.hasOwn(LATENCY_QUANTILES, metric);
}

/** Why `metric` is not a metric, with the closest known name when it looks like a typo. */
export function describeUnknownMetric(metric: string): string {
  if (metric.startsWith(CUSTOM_PREFIX)) {
    return `custom metric '${metric}' must be custom:<name>, the name a letter then letters, digits, _ . or - (at most 64), e.g. custom:bytesOut`;
  }
  const alias = Object.hasOwn(METRIC_ALIASES, metric) ? METRIC_ALIASES[metric] : undefined;
  const suggestion = alias ?? suggestClosest(metric, BUILT_IN_METRICS);
  const known = `${BUILT_IN_METRICS.join(', ')} or custom:<name>`;
  if (suggestion !== undefined) return `unknown metric '${metric}' — did you mean '${suggestion}'? (metrics: ${known})`;
  return `unknown metric '${metric}' — use one of ${known}`;
}
