import { describe, expect, test } from 'vitest';
import { parsePipeline } from './parse-pipeline.js';
import { planPipeline } from './plan-pipeline.js';

function withSteps(...lines: string[]): string {
  return ['name: p', 'stages:', '  - name: deploy', '    steps:', ...lines.map((l) => `      ${l}`)].join('\n');
}

function diagnose(text: string): string[] {
  const result = parsePipeline(text, 'p.yml');
  expect(result.ok).toBe(false);
  return result.diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`);
}

describe('inline approval steps', () => {
  test('plan with defaults filled: one approver, 24 h, a name saying what it waits for', () => {
    const result = parsePipeline(
      withSteps('- approval: {}', '- name: sign-off', '  approval: { approvers: 2, timeout: 90m }', '- run: ./deploy'),
      'p.yml',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    const [job] = planPipeline(result.pipeline).jobs;
    expect(job!.steps.map((s) => [s.name, s.approval, s.run])).toEqual([
      ['approval (1 approver)', { approvers: 1, timeoutMs: 24 * 3600_000 }, undefined],
      ['sign-off', { approvers: 2, timeoutMs: 90 * 60_000 }, undefined],
      ['./deploy', undefined, './deploy'],
    ]);
  });

  test('a step does exactly one of run, uses and approval, located at file:line:col', () => {
    expect(diagnose(withSteps('- run: x', '  approval: { approvers: 2 }'))).toEqual([
      "6:9 stages[0].steps[0].approval: step has both 'run' and 'approval' — a step does one of them; split it into two steps",
    ]);
    expect(diagnose(withSteps('- uses: a', '  run: b', '  approval: {}'))).toEqual([
      "7:9 stages[0].steps[0].approval: step has 'run', 'uses' and 'approval' — a step does one of them; split it into three steps",
    ]);
  });

  test('bad approver counts and timeouts, and keys that mean nothing on an approval step', () => {
    expect(diagnose(withSteps('- approval: { approvers: 0 }'))).toEqual([
      "5:32 stages[0].steps[0].approval.approvers: 'approvers' must be a whole number from 1 to 10, got 0",
    ]);
    expect(diagnose(withSteps('- approval: { timeout: soon }'))[0]).toMatch(/^5:30 stages\[0\]\.steps\[0\]\.approval\.timeout: 'timeout' must be a duration/);
    expect(diagnose(withSteps('- approval: { approver: 2 }'))[0]).toMatch(/^5:21 stages\[0\]\.steps\[0\]\.approval\.approver: /);
    expect(diagnose(withSteps('- approval: {}', '  retry: 2', '  timeout: 1h'))).toEqual([
      "6:9 stages[0].steps[0].retry: 'retry' does not apply to an approval step: a rejection is final — a new run asks again",
      "7:9 stages[0].steps[0].timeout: 'timeout' does not apply to an approval step: give how long it waits as approval.timeout",
    ]);
  });
});
