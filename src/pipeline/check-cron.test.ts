import { describe, expect, test } from 'vitest';
import { describeCronProblem } from './check-cron.js';
import { parsePipeline } from './parse-pipeline.js';

const withTrigger = (trigger: string) => `name: p\ntrigger:\n${trigger}\nstages:\n  - name: a\n    steps: [{ run: x }]\n`;

function diagnose(text: string): string[] {
  const result = parsePipeline(text, 'p.yml');
  return result.ok ? [] : result.diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`);
}

describe('trigger.schedule', () => {
  test('parses cron entries, keeping a time zone only when given', () => {
    const result = parsePipeline(
      withTrigger("  branches: [main]\n  schedule:\n    - cron: '0 3 * * *'\n    - { cron: '30 8 * * 1-5', timezone: Europe/Berlin }"),
      'p.yml',
    );
    expect(result.ok && result.pipeline.trigger).toEqual({
      branches: ['main'],
      paths: [],
      schedule: [{ cron: '0 3 * * *' }, { cron: '30 8 * * 1-5', timezone: 'Europe/Berlin' }],
    });
  });

  test('a file without a schedule has none', () => {
    const result = parsePipeline(withTrigger('  branches: [main]'), 'p.yml');
    expect(result.ok && result.pipeline.trigger).toEqual({ branches: ['main'], paths: [] });
  });

  test('a bad cron, a pattern that never fires and an unknown time zone are located', () => {
    expect(diagnose(withTrigger("  schedule:\n    - cron: '61 * * * *'"))).toEqual([
      "4:13 trigger.schedule[0].cron: 'cron' must be a cron expression like '0 3 * * *' (minute hour day-of-month month day-of-week) (Invalid value for minute: 61), got '61 * * * *'",
    ]);
    expect(diagnose(withTrigger("  schedule:\n    - { cron: '0 0 31 2 *' }"))[0]).toContain(
      "4:15 trigger.schedule[0].cron: 'cron' must fire at least once",
    );
    expect(diagnose(withTrigger("  schedule:\n    - { cron: '0 3 * * *', timezone: Mars/Base }"))[0]).toContain(
      "4:38 trigger.schedule[0].timezone: 'timezone' must be an IANA time zone",
    );
    expect(diagnose(withTrigger('  schedule: []'))[0]).toContain("3:13 trigger.schedule: 'schedule' must not be empty");
  });

  test('seconds fields are refused: a pipeline cannot start every second', () => {
    expect(describeCronProblem('* * * * * *')).toContain('requires exactly 5 parts');
    expect(describeCronProblem('@daily')).toBeUndefined();
  });
});
