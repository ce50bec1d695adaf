import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../store/index.js';
import { decideRunStatus } from './decide-run-status.js';

const jobs = (...statuses: JobStatus[]) => statuses.map((status) => ({ status, continueOnError: false }));

describe('decideRunStatus', () => {
  it('is undefined while any job is unfinished', () => {
    for (const open of ['pending', 'queued', 'running'] as const) {
      expect(decideRunStatus(jobs('succeeded', open), false)).toBeUndefined();
      expect(decideRunStatus(jobs('canceled', open), true)).toBeUndefined();
    }
  });

  it('succeeds when nothing failed, skipped jobs included', () => {
    expect(decideRunStatus(jobs('succeeded', 'skipped'), false)).toBe('succeeded');
  });

  it('fails on a failed job, unless it continues on error', () => {
    expect(decideRunStatus(jobs('succeeded', 'failed', 'skipped'), false)).toBe('failed');
    expect(decideRunStatus([{ status: 'failed', continueOnError: true }, ...jobs('succeeded')], false)).toBe('succeeded');
  });

  it('is canceled when cancellation was requested, whatever the jobs did, or when a job was canceled', () => {
    expect(decideRunStatus(jobs('succeeded', 'failed', 'canceled'), true)).toBe('canceled');
    expect(decideRunStatus(jobs('succeeded', 'succeeded'), true)).toBe('canceled');
    expect(decideRunStatus(jobs('succeeded', 'canceled'), false)).toBe('canceled');
  });
});
