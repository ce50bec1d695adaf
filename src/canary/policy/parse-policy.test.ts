import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../pipeline/format-diagnostic.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { loadPolicyFile } from './load-policy-file.js';
import { parsePolicy } from './parse-policy.js';

const FULL = `apiVersion: slipway/v1
name: checkout
windowSeconds: 30
bucketSeconds: 1
allowedLatenessSeconds: 3
minSamples: 100
stepDurationSeconds: 120
rules:
  - name: errors
    metric: error_rate
    compare: { max: 0.02 }
  - name: p99-vs-baseline
    metric: latency_p99
    compare: { maxRatioTo: baseline, factor: 1.2 }
    minSamples: 200
    counting: cumulative
    failures: 3
  - name: p50-shift
    metric: latency_p50
    compare: { judge: mann-whitney, against: stable, direction: increase, minEffectRatio: 0.1 }
  - name: bytes
    metric: custom:bytesOut
    compare: { min: 512 }
    action: ROLLBACK
`;

function problems(text: string): string[] {
  const parsed = parsePolicy(text, 'p.yml');
  return parsed.ok ? [] : parsed.diagnostics.map(formatDiagnostic);
}

describe('parsePolicy', () => {
  it('builds the policy with defaults filled in and a content hash as its version', () => {
    const parsed = parsePolicy(FULL, 'p.yml');
    if (!parsed.ok) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
    const { policy } = parsed;
    expect(policy).toMatchObject({ name: 'checkout', windowSeconds: 30, allowedLatenessSeconds: 3, minSamples: 100, stepDurationSeconds: 120 });
    expect(policy.version).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(policy.rules).toEqual([
      { name: 'errors', metric: 'error_rate', compare: { kind: 'max', value: 0.02 }, minSamples: 100, counting: 'consecutive', failures: 1, action: 'ROLLBACK' },
      { name: 'p99-vs-baseline', metric: 'latency_p99', compare: { kind: 'max_ratio', track: 'baseline', factor: 1.2 }, minSamples: 200, counting: 'cumulative', failures: 3, action: 'PAUSE' },
      {
        name: 'p50-shift',
        metric: 'latency_p50',
        compare: { kind: 'mann_whitney', track: 'stable', direction: 'increase', confidenceLevel: 0.95, fraction: 0.25, minEffect: 0, minEffectRatio: 0.1, minBuckets: 5 },
        minSamples: 100,
        counting: 'consecutive',
        failures: 1,
        action: 'PAUSE',
      },
      { name: 'bytes', metric: 'custom:bytesOut', compare: { kind: 'min', value: 512 }, minSamples: 100, counting: 'consecutive', failures: 1, action: 'ROLLBACK' },
    ]);
  });

  it('keeps the version across comments, key order and spelled-out defaults, and changes it with behaviour', () => {
    const version = (text: string) => {
      const parsed = parsePolicy(text, 'p.yml');
      if (!parsed.ok) throw new Error(parsed.diagnostics[0]!.message);
      return parsed.policy.version;
    };
    const base = version(FULL);
    const cosmetic = `# owned by the checkout team\n${FULL.replace('name: checkout\nwindowSeconds: 30', 'windowSeconds: 30\nname: checkout').replace('{ max: 0.02 }', '{ max: 0.02 }\n    counting: consecutive')}`;
    expect(version(cosmetic)).toBe(base);
    expect(version(FULL.replace('factor: 1.2', 'factor: 1.3'))).not.toBe(base);
  });

  it('reports every problem at once, each at file:line:col with a fix', () => {
    const text = `name: bad
windowSeconds: 7
bucketSeconds: 2
rules:
  - metric: latency_p999
    compare: { max: 100 }
  - metric: error_rate
    compare: { max: 5, maxRatioTo: baseline }
    minSample: 10
    counting: sometimes
    action: ABORT
  - name: p99
    metric: p99
    compare: { maxRatioTo: stable, fraction: 0.2 }
  - name: p99
    metric: custom:9lives
    compare: {}
`;
    expect(problems(text)).toEqual([
      "p.yml:2:16: 'windowSeconds' (7) must be a whole multiple of bucketSeconds (2)",
      "p.yml:5:13: unknown metric 'latency_p999' — did you mean 'latency_p99'? (metrics: error_rate, latency_p50, latency_p90, latency_p95, latency_p99 or custom:<name>)",
      "p.yml:8:21: 'max' of error_rate is a fraction from 0 to 1 (5 % is 0.05), got 5",
      "p.yml:8:24: 'compare' has both max and maxRatioTo — a rule compares one way; split it into two rules",
      "p.yml:9:5: unknown key 'minSample' — did you mean 'minSamples'?",
      "p.yml:10:15: 'counting' must be 'consecutive' or 'cumulative', got 'sometimes'",
      "p.yml:11:13: 'action' must be 'ROLLBACK' or 'PAUSE', got 'ABORT'",
      "p.yml:13:13: unknown metric 'p99' — did you mean 'latency_p99'? (metrics: error_rate, latency_p50, latency_p90, latency_p95, latency_p99 or custom:<name>)",
      "p.yml:14:16: 'compare' with maxRatioTo needs `factor:`, e.g. 1.2",
      "p.yml:14:36: 'fraction' belongs to the rank test — add `judge: mann-whitney` or remove it",
      "p.yml:15:11: rule 'p99' is also rules[2] — rename one of them",
      "p.yml:16:13: custom metric 'custom:9lives' must be custom:<name>, the name a letter then letters, digits, _ . or - (at most 64), e.g. custom:bytesOut",
      "p.yml:17:14: 'compare' needs one of max, min, maxRatioTo or judge — e.g. `{ max: 0.05 }` or `{ maxRatioTo: baseline, factor: 1.2 }`",
    ]);
  });

  it('reports a missing name and rules, YAML errors and an empty file in terms of a policy', () => {
    expect(problems('windowSeconds: 60\n')).toEqual([
      "p.yml:1:1: missing required key 'name' — add `name: <title>` at the top of the file",
      "p.yml:1:1: missing required key 'rules' — add it",
    ]);
    expect(problems('name: x\nrules: []\n')).toEqual(["p.yml:2:8: 'rules' must not be empty — add at least one rule"]);
    expect(problems('')).toEqual(['p.yml:1:1: policy file is empty — add `name:` and `rules:`']);
    expect(problems('name: [x\n')[0]).toMatch(/^p\.yml:\d+:\d+: YAML syntax error: /);
    expect(problems('- name: x\n')).toEqual(['p.yml:1:1: the top level must be a mapping with `name:` and `rules:`, got a list']);
  });

  it('ships a valid default with the seed behaviour: errors roll back, latency pauses', () => {
    expect(DEFAULT_POLICY.rules.map((r) => [r.metric, r.action])).toEqual([
      ['error_rate', 'ROLLBACK'],
      ['latency_p99', 'PAUSE'],
    ]);
    expect(DEFAULT_POLICY.rules[1]!.compare).toEqual({ kind: 'max_ratio', track: 'baseline', factor: 1.2 });
  });
});

describe('loadPolicyFile', () => {
  it('reads a file, and turns a missing one into a diagnostic', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-policy-'));
    try {
      const file = join(dir, 'policy.yml');
      await writeFile(file, FULL);
      expect((await loadPolicyFile(file)).ok).toBe(true);
      const missing = await loadPolicyFile(join(dir, 'nope.yml'));
      expect(missing.ok ? [] : missing.diagnostics.map(formatDiagnostic)).toEqual([`${join(dir, 'nope.yml')}:1:1: policy file not found — pass the path of an existing policy .yml`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
