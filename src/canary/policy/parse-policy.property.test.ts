import fc from 'fast-check';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePolicy } from './parse-policy.js';

const metrics = ['error_rate', 'latency_p50', 'latency_p90', 'latency_p95', 'latency_p99'] as const;

const ruleArbitrary = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,20}$/),
  metric: fc.constantFrom(...metrics),
  compare: fc.oneof(
    // Error rates are fractions; a bound from 0 to 1 fits every metric.
    fc.record({ max: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ maxRatioTo: fc.constantFrom('baseline', 'stable'), factor: fc.double({ min: 0.01, max: 100, noNaN: true }) }),
  ),
  minSamples: fc.integer({ min: 0, max: 10_000 }),
  counting: fc.constantFrom('consecutive', 'cumulative'),
  failures: fc.integer({ min: 1, max: 100 }),
  action: fc.constantFrom('ROLLBACK', 'PAUSE'),
});

const policyArbitrary = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
  windowSeconds: fc.integer({ min: 1, max: 3600 }),
  minSamples: fc.integer({ min: 0, max: 10_000 }),
  stepDurationSeconds: fc.integer({ min: 1, max: 86_400 }),
  rules: fc.uniqueArray(ruleArbitrary, { minLength: 1, maxLength: 6, selector: (rule) => rule.name }),
});

it('never throws on any text, and places every problem at a line and column inside it', () => {
  const yamlish = fc.string({ unit: fc.constantFrom('name', 'rules', 'metric', ':', ' ', '\n', '-', '{', '}', '[', ']', '"', "'", '#', '0', '1.5', 'max', 'error_rate', '\t', '&a', '*a', '!!int'), maxLength: 120 });
  fc.assert(
    fc.property(fc.oneof(yamlish, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
      const result = parsePolicy(text, 'p.yml');
      if (result.ok) return;
      const lines = text.split(/\r\n|\r|\n/).length;
      expect(result.diagnostics.length).toBeGreaterThan(0);
      for (const d of result.diagnostics) {
        expect(d.file).toBe('p.yml');
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.line).toBeLessThanOrEqual(lines + 1);
        expect(d.col).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(0);
      }
    }),
    { numRuns: 1500 },
  );
});

it('reads back every valid policy it is given, whatever its values, with a version that depends only on its content', () => {
  fc.assert(
    fc.property(policyArbitrary, (input) => {
      const text = stringify(input);
      const first = parsePolicy(text, 'p.yml');
      if (!first.ok) throw new Error(`${JSON.stringify(first.diagnostics)}\n${text}`);
      expect(first.policy.name).toBe(input.name);
      expect(first.policy.windowSeconds).toBe(input.windowSeconds);
      expect(first.policy.rules.map((rule) => rule.name)).toEqual(input.rules.map((rule) => rule.name));
      // The same content, written in another key order and flow style, is the same version.
      const { rules, ...rest } = input;
      const again = parsePolicy(stringify({ rules, ...rest }, { collectionStyle: 'flow' }), 'q.yml');
      expect(again.ok && again.policy.version).toBe(first.policy.version);
    }),
    { numRuns: 300 },
  );
});

it('points a misspelled rule key at its own line, whichever rule and key it is', () => {
  fc.assert(
    fc.property(policyArbitrary, fc.nat(), fc.constantFrom('metric', 'compare', 'action', 'counting'), (input, which, key) => {
      const index = which % input.rules.length;
      const rules = input.rules.map((rule, i) => (i === index ? Object.fromEntries(Object.entries(rule).map(([k, v]) => [k === key ? `${key}x` : k, v])) : rule));
      const text = stringify({ ...input, rules });
      const result = parsePolicy(text, 'p.yml');
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const line = text.split('\n').findIndex((l) => new RegExp(`\\b${key}x:`).test(l)) + 1;
      expect(result.diagnostics.some((d) => d.line === line && d.message.includes(`${key}x`))).toBe(true);
    }),
    { numRuns: 200 },
  );
});
