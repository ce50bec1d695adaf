import type { Finding } from '../../pipeline/finding.js';
import { isRecord } from '../../pipeline/finding.js';
import { describeUnknownMetric, resolvePolicyMetric } from './policy-metric.js';

const FORMS = ['max', 'min', 'maxRatioTo', 'judge'] as const;
const RANK_TEST_KEYS = ['against', 'direction', 'confidenceLevel', 'fraction', 'minEffect', 'minEffectRatio', 'minBuckets'] as const;

/**
 * Rules the schema cannot state one field at a time: known metrics, one compare form with only its
 * own keys, a window that is whole buckets, unique rule names. Works on the raw data (the schema may
 * have failed elsewhere), so every problem of the file is reported in one pass.
 */
export function checkPolicy(data: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [...checkWindowShape(data)];
  if (!Array.isArray(data.rules)) return findings;
  const seen = new Map<string, number>();
  data.rules.forEach((rule, i) => {
    if (!isRecord(rule)) return;
    findings.push(...checkRule(rule, i));
    const name = typeof rule.name === 'string' ? rule.name : typeof rule.metric === 'string' ? rule.metric : undefined;
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else {
      const hint = typeof rule.name === 'string' ? 'rename one of them' : `give one of them a \`name:\` (it defaults to the metric)`;
      findings.push({ path: ['rules', i, typeof rule.name === 'string' ? 'name' : 'metric'], at: 'value', message: `rule '${name}' is also rules[${first}] — ${hint}` });
    }
  });
  return findings;
}

function checkWindowShape(data: Record<string, unknown>): Finding[] {
  const window = typeof data.windowSeconds === 'number' ? data.windowSeconds : 60;
  const bucket = typeof data.bucketSeconds === 'number' ? data.bucketSeconds : 1;
  if (!(window > 0 && bucket > 0)) return [];
  const bucketMs = bucket * 1000;
  if (!Number.isInteger(bucketMs)) {
    return [{ path: ['bucketSeconds'], at: 'value', message: `'bucketSeconds' must be whole milliseconds (e.g. 1 or 0.5), got ${bucket}` }];
  }
  const windowMs = window * 1000;
  if (Number.isInteger(windowMs) && windowMs >= bucketMs && windowMs % bucketMs === 0) return [];
  const path = data.windowSeconds === undefined ? ['bucketSeconds'] : ['windowSeconds'];
  return [{ path, at: 'value', message: `'windowSeconds' (${window}) must be a whole multiple of bucketSeconds (${bucket})` }];
}

function checkRule(rule: Record<string, unknown>, i: number): Finding[] {
  const findings: Finding[] = [];
  if (typeof rule.metric === 'string' && resolvePolicyMetric(rule.metric) === undefined) {
    findings.push({ path: ['rules', i, 'metric'], at: 'value', message: describeUnknownMetric(rule.metric) });
  }
  const compare = rule.compare;
  if (!isRecord(compare)) return findings;
  const at = (key: string, message: string): Finding => ({ path: ['rules', i, 'compare', key], at: 'key', message });
  const forms = FORMS.filter((form) => compare[form] !== undefined);
  if (forms.length === 0) {
    const message = "'compare' needs one of max, min, maxRatioTo or judge — e.g. `{ max: 0.05 }` or `{ maxRatioTo: baseline, factor: 1.2 }`";
    return [...findings, { path: ['rules', i, 'compare'], at: 'value', message }];
  }
  if (forms.length > 1) findings.push(at(forms[1]!, `'compare' has both ${forms[0]} and ${forms[1]} — a rule compares one way; split it into two rules`));
  const form = forms[0]!;
  if (form === 'maxRatioTo' && compare.factor === undefined) findings.push(at('maxRatioTo', "'compare' with maxRatioTo needs `factor:`, e.g. 1.2"));
  if (form !== 'maxRatioTo' && compare.factor !== undefined) findings.push(at('factor', "'factor' belongs with maxRatioTo — remove it or compare with `maxRatioTo:`"));
  if (form !== 'judge') {
    for (const key of RANK_TEST_KEYS) {
      if (compare[key] !== undefined) findings.push(at(key, `'${key}' belongs to the rank test — add \`judge: mann-whitney\` or remove it`));
    }
  }
  if (rule.metric === 'error_rate' && (form === 'max' || form === 'min')) {
    const value = compare[form];
    if (typeof value === 'number' && (value < 0 || value > 1)) {
      findings.push({ path: ['rules', i, 'compare', form], at: 'value', message: `'${form}' of error_rate is a fraction from 0 to 1 (5 % is 0.05), got ${value}` });
    }
  }
  return findings;
}
