import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../store/index.js';
import { decidePromotions, type RunJobState } from './decide-promotions.js';

let nextId = 1;
function job(jobKey: string, status: JobStatus, needs: string[] = [], fields: Partial<RunJobState> = {}): RunJobState {
  return { id: nextId++, jobKey, needs, status, condition: 'success', continueOnError: false, ...fields };
}

function decide(jobs: RunJobState[]) {
  const keyOf = new Map(jobs.map((j) => [j.id, j.jobKey]));
  const { queue, skip } = decidePromotions(jobs);
  return { queue: queue.map((id) => keyOf.get(id)), skip: skip.map((id) => keyOf.get(id)) };
}

describe('decidePromotions', () => {
  it('queues a pending job once all its needs succeeded, not before', () => {
    expect(decide([job('a', 'succeeded'), job('b', 'running'), job('c', 'pending', ['a', 'b'])])).toEqual({ queue: [], skip: [] });
    expect(decide([job('a', 'succeeded'), job('b', 'succeeded'), job('c', 'pending', ['a', 'b'])])).toEqual({
      queue: ['c'],
      skip: [],
    });
  });

  it('never touches jobs that are queued, running or finished', () => {
    expect(decide([job('a', 'queued'), job('b', 'running'), job('c', 'succeeded'), job('d', 'skipped')])).toEqual({
      queue: [],
      skip: [],
    });
  });

  it('skips success() dependants of a failure transitively, and runs failure() and always() ones', () => {
    const jobs = [
      job('build', 'failed'),
      job('test', 'pending', ['build']),
      job('deploy', 'pending', ['test']),
      job('notify', 'pending', ['deploy'], { condition: 'failure' }),
      job('report', 'pending', ['deploy'], { condition: 'always' }),
    ];
    expect(decide(jobs)).toEqual({ queue: ['notify', 'report'], skip: ['test', 'deploy'] });
  });

  it('counts a failed continue-on-error need as success', () => {
    const jobs = [
      job('lint', 'failed', [], { continueOnError: true }),
      job('test', 'pending', ['lint']),
      job('cleanup', 'pending', ['lint'], { condition: 'failure' }),
    ];
    expect(decide(jobs)).toEqual({ queue: ['test'], skip: ['cleanup'] });
  });

  it('skips failure() dependants when everything succeeded, and success() ones of a canceled need', () => {
    expect(decide([job('a', 'succeeded'), job('b', 'pending', ['a'], { condition: 'failure' })])).toEqual({ queue: [], skip: ['b'] });
    expect(decide([job('a', 'canceled'), job('b', 'pending', ['a'])])).toEqual({ queue: [], skip: ['b'] });
  });
});
