import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from './format-summary-table.js';
import { sampleRunSummary as summary } from '../test-support/sample-run-summary.js';

describe('formatSummaryTable', () => {
  it('lists every job with status, duration, attempts and why it failed', () => {
    expect(formatSummaryTable(summary)).toBe(
      [
        'JOB            STATUS            DURATION  ATTEMPTS  DETAIL',
        'build          succeeded         1.2 s     1',
        "test[node=20]  failed            840 ms    2         step 'unit' exited with code 1",
        'lint           failed (allowed)  50 ms     1         x',
        'deploy         skipped           -         0',
        '',
        'run failed in 1m 05s',
        '',
      ].join('\n'),
    );
  });

  it('colours statuses only when asked', () => {
    expect(formatSummaryTable(summary)).not.toContain('\u001b[');
    expect(formatSummaryTable(summary, { color: true })).toContain('\u001b[31mfailed');
  });
});
