import { describe, expect, test } from 'vitest';
import { parsePipeline } from './parse-pipeline.js';
import { planPipeline } from './plan-pipeline.js';

const stages = ['stages:', '  - name: deploy', '    steps:', '      - run: ./deploy.sh'];
const pipeline = (...top: string[]) => ['name: p', ...top, ...stages].join('\n');

function plan(text: string) {
  const parsed = parsePipeline(text, 'p.yml');
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return planPipeline(parsed.pipeline);
}

function problems(text: string): string[] {
  const parsed = parsePipeline(text, 'p.yml');
  expect(parsed.ok).toBe(false);
  return parsed.diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`);
}

describe('concurrency and priority of a pipeline', () => {
  test('a group name alone queues; the long form may cancel runs in progress; a ref placeholder is kept for enqueue time', () => {
    expect(plan(pipeline('concurrency: deploy-production')).concurrency).toEqual({ group: 'deploy-production', cancelInProgress: false });
    expect(plan(pipeline(`concurrency: { group: "ci-\${{ ref }}", cancel-in-progress: true }`)).concurrency).toEqual({
      group: `ci-\${{ ref }}`,
      cancelInProgress: true,
    });
    expect(plan(pipeline()).concurrency).toBeUndefined();
  });

  test('priority is a whole number from -100 to 100, 0 when absent', () => {
    expect(plan(pipeline('priority: 50')).priority).toBe(50);
    expect(plan(pipeline('priority: -100')).priority).toBe(-100);
    expect(plan(pipeline()).priority).toBeUndefined();
    expect(problems(pipeline('priority: 101'))).toEqual(["2:11 priority: 'priority' must be at most 100, got 101"]);
    expect(problems(pipeline('priority: 1.5'))).toEqual(["2:11 priority: 'priority' must be a whole number, got 1.5"]);
  });

  test('refuses an empty group, unknown expressions in it and unknown keys, each at its place', () => {
    expect(problems(pipeline('concurrency: { group: " " }'))).toEqual(["2:23 concurrency.group: 'group' must not be empty — give the group a name, got ' '"]);
    expect(problems(pipeline(`concurrency: "deploy-\${{ env.X }}"`))).toEqual([
      `2:14 concurrency: 'concurrency' may use no expression but \${{ ref }} (the run's ref), got 'deploy-\${{ env.X }}'`,
    ]);
    expect(problems(pipeline('concurrency: { group: g, cancel: true }'))[0]).toMatch(/^2:26 concurrency\.cancel: unknown key 'cancel'/);
  });
});
