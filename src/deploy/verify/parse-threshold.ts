/**
 * Threshold text as written on the command line or in a pipeline: `p99<200ms`, `p95<=0.5s`,
 * `success>=99.5%`, `success>0.99`, `rps>=100`, `timeouts<=0`. Latencies take ms or s (bare
 * numbers are ms, the unit they are reported in); success takes a percent or a fraction.
 */
import type { Threshold, ThresholdMetric } from './threshold.js';

const ALIASES: Record<string, ThresholdMetric> = {
  avg: 'avgMs',
  mean: 'avgMs',
  p50: 'p50Ms',
  median: 'p50Ms',
  p90: 'p90Ms',
  p95: 'p95Ms',
  p99: 'p99Ms',
  max: 'maxMs',
  success: 'successRate',
  'success-rate': 'successRate',
  rps: 'rps',
  'req/s': 'rps',
  'http-errors': 'httpErrors',
  httperrors: 'httpErrors',
  timeouts: 'timeouts',
  'connection-errors': 'connectionErrors',
  connectionerrors: 'connectionErrors',
  'late-starts': 'lateStarts',
  latestarts: 'lateStarts',
};

const PATTERN = /^\s*([a-z0-9/-]+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|s|%)?\s*$/i;

export type ParsedThreshold = { ok: true; threshold: Threshold } | { ok: false; message: string };

export function parseThreshold(text: string): ParsedThreshold {
  const match = PATTERN.exec(text);
  if (!match) {
    return fail(text, 'expected <metric><op><value>, e.g. p99<200ms or success>=99.5%');
  }
  const [, name = '', op = '<', number = '0', unit = ''] = match;
  const metric = ALIASES[name.toLowerCase()] ?? ALIASES[name.toLowerCase().replace(/ms$/, '')];
  if (metric === undefined) {
    return fail(text, `unknown metric '${name}' (known: ${Object.keys(ALIASES).join(', ')})`);
  }
  const raw = Number(number);
  const unitLower = unit.toLowerCase();
  let value = raw;
  if (metric.endsWith('Ms')) {
    if (unitLower === '%') return fail(text, `${name} is a latency: use ms or s, not %`);
    value = unitLower === 's' ? raw * 1000 : raw;
  } else if (metric === 'successRate') {
    if (unitLower === 'ms' || unitLower === 's') return fail(text, 'success is a rate: use a percent (99.5%) or a fraction (0.995)');
    value = unitLower === '%' ? raw / 100 : raw;
    if (value > 1) return fail(text, `a success rate is at most 100% (or 1), got ${number}${unit}`);
  } else if (unit !== '') {
    return fail(text, `${name} is a plain number: drop the '${unit}'`);
  }
  return { ok: true, threshold: { metric, op: op as Threshold['op'], value } };
}

function fail(text: string, why: string): ParsedThreshold {
  return { ok: false, message: `threshold '${text}': ${why}` };
}
