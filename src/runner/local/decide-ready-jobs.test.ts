import { describe, expect, it } from 'vitest';
import type { PlannedJob } from '../../pipeline/model.js';
import { makeJob, makePlan } from '../test-support/fixtures.js';
import { decideReadyJobs } from './decide-ready-jobs.js';
import type { JobOutcomeStatus } from './run-summary.js';

function job(id: string, needs: string[] = [], fields: Partial<PlannedJob> = {}): PlannedJob {
  return makeJob(id, [{ run: 'true' }], { needs, ...fields });
}

function decide(jobs: PlannedJob[], finished: Record<string, JobOutcomeStatus>, running: string[] = []) {
  const ready = decideReadyJobs(makePlan(jobs), new Map(Object.entries(finished)), new Set(running));
  return { start: ready.start.map((j) => j.id), skip: ready.skip.map((j) => j.id) };
}

describe('decideReadyJobs', () => {
  it('starts jobs without needs, and waits for unfinished needs', () => {
    const jobs = [job('a'), job('b'), job('c', ['a', 'b'])];
    expect(decide(jobs, {})).toEqual({ start: ['a', 'b'], skip: [] });
    expect(decide(jobs, { a: 'succeeded' }, ['b'])).toEqual({ start: [], skip: [] });
    expect(decide(jobs, { a: 'succeeded', b: 'succeeded' })).toEqual({ start: ['c'], skip: [] });
  });

  it('skips success() dependants of a failure, transitively, in one pass', () => {
    const jobs = [job('a'), job('b', ['a']), job('c', ['b'])];
    expect(decide(jobs, { a: 'failed' })).toEqual({ start: [], skip: ['b', 'c'] });
    expect(decide(jobs, { a: 'skipped' })).toEqual({ start: [], skip: ['b', 'c'] });
  });

  it('counts a failed continue-on-error need as success', () => {
    const jobs = [job('a', [], { continueOnError: true }), job('b', ['a']), job('c', ['a'], { if: 'failure' })];
    expect(decide(jobs, { a: 'failed' })).toEqual({ start: ['b'], skip: ['c'] });
  });

  it('runs failure() when any ancestor failed, even through a skipped job', () => {
    const jobs = [job('a'), job('b', ['a']), job('cleanup', ['b'], { if: 'failure' })];
    expect(decide(jobs, { a: 'failed' })).toEqual({ start: ['cleanup'], skip: ['b'] });
    expect(decide(jobs, { a: 'succeeded', b: 'succeeded' })).toEqual({ start: [], skip: ['cleanup'] });
  });

  it('runs always() whatever its needs did', () => {
    const jobs = [job('a'), job('b', ['a']), job('report', ['b'], { if: 'always' })];
    expect(decide(jobs, { a: 'failed' })).toEqual({ start: ['report'], skip: ['b'] });
  });

  it('skips a job whose need is not in the plan instead of waiting forever', () => {
    expect(decide([job('a', ['ghost'])], {})).toEqual({ start: [], skip: ['a'] });
  });
});
