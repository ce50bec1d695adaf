import { describe, expect, it } from 'vitest';
import { exitCodeFor } from './exit-code-for.js';
import { sampleRunSummary as summary } from '../test-support/sample-run-summary.js';

describe('exitCodeFor', () => {
  it('is 0 only for a succeeded run', () => {
    expect(exitCodeFor({ ...summary, status: 'succeeded' })).toBe(0);
    expect(exitCodeFor({ ...summary, status: 'failed' })).toBe(1);
    expect(exitCodeFor({ ...summary, status: 'canceled' })).toBe(1);
  });
});
