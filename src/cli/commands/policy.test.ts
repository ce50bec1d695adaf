import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as cli } from '../../api/test-support/run-cli-in-process.js';

const T0 = 1_700_000_000_000;
const POLICY = `name: cli
windowSeconds: 5
allowedLatenessSeconds: 0
minSamples: 20
stepDurationSeconds: 10
rules:
  - { name: errors, metric: error_rate, compare: { max: 0.05 }, action: ROLLBACK }
`;

let dir: string;
let policy: string;
let telemetry: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-policy-cli-'));
  policy = join(dir, 'policy.yml');
  telemetry = join(dir, 'telemetry.ndjson');
  await writeFile(policy, POLICY);
  // 10 requests a second: healthy for 14 s, then every request fails.
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const eventTimeMs = T0 + i * 100;
    lines.push(JSON.stringify({ rollout: 'r1', track: 'canary', eventTimeMs, latencyMs: 12, isError: eventTimeMs >= T0 + 14_000 }));
  }
  await writeFile(telemetry, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('slipway policy', () => {
  it('validate: prints the version of a valid policy', async () => {
    const r = await cli('policy', 'validate', policy);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^${policy}: valid — policy 'cli' sha256:[0-9a-f]{16}, 1 rule\\n$`));
  });

  it('validate: prints every problem as file:line:col and exits 1', async () => {
    const bad = join(dir, 'bad.yml');
    await writeFile(bad, POLICY.replace('error_rate', 'eror_rate').replace('action: ROLLBACK', 'action: ROLBACK'));
    const r = await cli('policy', 'validate', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:7:29: unknown metric 'eror_rate' — did you mean 'error_rate'?`);
    expect(r.err).toContain(`${bad}:7:72: 'action' must be 'ROLLBACK' or 'PAUSE', got 'ROLBACK'`);
    expect(r.err).toMatch(/2 errors in .*bad\.yml\n$/);
    const json = await cli('policy', 'validate', bad, '--json');
    expect(JSON.parse(json.out).diagnostics).toHaveLength(2);
  });

  it('test: prints the decisions timeline with the rule and values', async () => {
    const r = await cli('policy', 'test', '--policy', policy, '--telemetry', telemetry);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^policy 'cli' sha256:[0-9a-f]{16} \(1 rule\)$/);
    expect(lines[1]).toMatch(/^2023-11-14T22:13:20\.000Z {2}r1 {2}step 1 {2}PAUSE {5}NO_DATA {7}errors \[error_rate ≤ 0\.05\]: canary – \(n=0\)/);
    expect(lines[2]).toMatch(/^2023-11-14T22:13:30\.000Z {2}r1 {2}step 1 {2}PROMOTE {3}PASS {10}every rule passed for 10s/);
    expect(lines[3]).toMatch(/^2023-11-14T22:13:35\.000Z {2}r1 {2}step 2 {2}ROLLBACK {2}FAIL {10}errors \[error_rate ≤ 0\.05\]: canary 0\.2, limit 0\.05 \(n=50\)/);
    expect(lines[4]).toBe('200 events (0 rejected), 16 evaluations, 3 decisions; r1 rolled_back at step 2');
  });

  it('test --json: the timeline as data, with evidence', async () => {
    const r = await cli('policy', 'test', '--policy', policy, '--telemetry', telemetry, '--json');
    const result = JSON.parse(r.out);
    expect(result.decisions.map((d: { action: string }) => d.action)).toEqual(['PAUSE', 'PROMOTE', 'ROLLBACK']);
    expect(result.decisions[2].evidence[0]).toMatchObject({ rule: 'errors', canaryValue: 0.2, threshold: 0.05, canarySamples: 50, triggered: true });
  });

  it('test: refuses a bad telemetry line or policy, exit 1', async () => {
    const bad = join(dir, 'bad.ndjson');
    await writeFile(bad, '{"rollout":"r1"}\n');
    const r = await cli('policy', 'test', '--policy', policy, '--telemetry', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:1:1: not an event`);
    const missing = await cli('policy', 'test', '--policy', join(dir, 'none.yml'), '--telemetry', telemetry);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('policy file not found');
  });
});
