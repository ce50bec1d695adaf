import { expect, it } from 'vitest';
import { parseThreshold } from './parse-threshold.js';
import { describeThreshold } from './threshold.js';

it.each([
  ['p99<200ms', { metric: 'p99Ms', op: '<', value: 200 }],
  ['p95 <= 0.5s', { metric: 'p95Ms', op: '<=', value: 500 }],
  ['avg<20', { metric: 'avgMs', op: '<', value: 20 }],
  ['p99Ms<20', { metric: 'p99Ms', op: '<', value: 20 }],
  ['success>=99.5%', { metric: 'successRate', op: '>=', value: 0.995 }],
  ['success>0.99', { metric: 'successRate', op: '>', value: 0.99 }],
  ['rps>=100', { metric: 'rps', op: '>=', value: 100 }],
  ['timeouts<=0', { metric: 'timeouts', op: '<=', value: 0 }],
  ['connection-errors<1', { metric: 'connectionErrors', op: '<', value: 1 }],
])('parses %s', (text, threshold) => {
  expect(parseThreshold(text)).toEqual({ ok: true, threshold });
});

it.each([
  ['p99', 'expected <metric><op><value>'],
  ['p99<<200ms', 'expected <metric><op><value>'],
  ['p99=200ms', 'expected <metric><op><value>'],
  ['p98<200ms', "unknown metric 'p98'"],
  ['p99<20%', 'is a latency: use ms or s'],
  ['success>=101%', 'at most 100%'],
  ['success>=2s', 'success is a rate'],
  ['rps>=100ms', "drop the 'ms'"],
])('rejects %s saying %s', (text, why) => {
  const parsed = parseThreshold(text);
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(parsed.message).toContain(`threshold '${text}': `);
  if (!parsed.ok) expect(parsed.message).toContain(why);
});

it('writes a threshold back the way it is parsed', () => {
  for (const text of ['p99<200ms', 'success>=99.5%', 'rps>100', 'timeouts<=0']) {
    const parsed = parseThreshold(text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(describeThreshold(parsed.threshold)).toBe(text);
  }
});
