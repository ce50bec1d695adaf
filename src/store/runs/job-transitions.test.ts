import { describe, expect, it } from 'vitest';
import { canTransitionJob, isTerminalJobStatus, jobStatusesBefore, jobTransitions } from './job-transitions.js';
import { type JobStatus, jobStatuses } from './run.js';

describe('job transitions', () => {
  it('lets a job only move forward from pending to a terminal status, retries going back to queued', () => {
    const legal = jobStatuses.flatMap((from) => jobStatuses.filter((to) => canTransitionJob(from, to)).map((to) => `${from}->${to}`));
    expect(legal).toEqual([
      'pending->queued',
      'pending->skipped',
      'pending->canceled',
      'queued->running',
      'queued->failed',
      'queued->canceled',
      'running->queued',
      'running->succeeded',
      'running->failed',
      'running->canceled',
    ]);
  });

  it('makes every status reachable from pending and ends every path in a terminal status', () => {
    const reached = new Set<JobStatus>(['pending']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const from of [...reached]) {
        for (const to of jobTransitions[from]) if (!reached.has(to)) changed = Boolean(reached.add(to));
      }
    }
    expect([...reached].sort()).toEqual([...jobStatuses].sort());
    expect(jobStatuses.filter(isTerminalJobStatus)).toEqual(['succeeded', 'failed', 'skipped', 'canceled']);
  });

  it('lists the statuses a move can start from', () => {
    expect(jobStatusesBefore('running')).toEqual(['queued']);
    expect(jobStatusesBefore('canceled')).toEqual(['pending', 'queued', 'running']);
    expect(jobStatusesBefore('pending')).toEqual([]);
  });
});
