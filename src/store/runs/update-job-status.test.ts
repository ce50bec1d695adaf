import { beforeAll, expect, it } from 'vitest';
import type { Project } from '../projects/project.js';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import { getRun } from './get-run.js';
import type { Job, JobDetail, JobFailure } from './run.js';
import { updateJobStatus } from './update-job-status.js';

describeEachStore('updateJobStatus', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });
  const withoutSteps = ({ steps: _, ...job }: JobDetail): Job => job;
  const freshJob = async (): Promise<Job> => withoutSteps((await createTestRun(h.db, project.id)).jobs[0]!);
  const reload = async (job: Job): Promise<Job> =>
    withoutSteps((await getRun(h.db, job.runId))!.jobs.find((j) => j.id === job.id)!);
  const infra: JobFailure = { kind: 'infra', retryable: true, message: 'agent lost' };

  it('walks a job through a retry to success, stamping attempts and times', async () => {
    const job = await freshJob();
    const t = (s: number) => new Date(Date.UTC(2032, 0, 1, 0, 0, s));
    expect(await updateJobStatus(h.db, job.id, { to: 'queued', at: t(1) })).toBe(true);
    expect(await updateJobStatus(h.db, job.id, { to: 'running', at: t(2) })).toBe(true);
    expect(await reload(job)).toMatchObject({ status: 'running', attempt: 1, startedAt: t(2), finishedAt: null });
    expect(await updateJobStatus(h.db, job.id, { to: 'queued', failure: infra, at: t(3) })).toBe(true);
    expect(await reload(job)).toMatchObject({ status: 'queued', attempt: 1, failure: infra });
    expect(await updateJobStatus(h.db, job.id, { to: 'running', at: t(4) })).toBe(true);
    expect(await reload(job)).toMatchObject({ status: 'running', attempt: 2, startedAt: t(4), failure: null });
    expect(await updateJobStatus(h.db, job.id, { to: 'succeeded', at: t(9) })).toBe(true);
    expect(await reload(job)).toMatchObject({ status: 'succeeded', attempt: 2, startedAt: t(4), finishedAt: t(9) });
  });

  it('records the failure of a failed job and uses the database clock by default', async () => {
    const job = await freshJob();
    const before = (await h.db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
    await updateJobStatus(h.db, job.id, { to: 'queued' });
    await updateJobStatus(h.db, job.id, { to: 'running' });
    const failure: JobFailure = { kind: 'user', retryable: false, message: 'exit code 1' };
    expect(await updateJobStatus(h.db, job.id, { to: 'failed', failure })).toBe(true);
    const failed = await reload(job);
    expect(failed).toMatchObject({ status: 'failed', failure });
    expect(failed.finishedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('refuses illegal moves, returning false and changing nothing', async () => {
    const job = await freshJob();
    expect(await updateJobStatus(h.db, job.id, { to: 'running' })).toBe(false);
    expect(await updateJobStatus(h.db, job.id, { to: 'succeeded' })).toBe(false);
    expect(await updateJobStatus(h.db, job.id, { to: 'pending' })).toBe(false);
    expect(await reload(job)).toEqual(job);

    await updateJobStatus(h.db, job.id, { to: 'canceled' });
    const canceled = await reload(job);
    for (const to of ['queued', 'running', 'succeeded', 'pending'] as const) {
      expect(await updateJobStatus(h.db, job.id, { to })).toBe(false);
    }
    expect(await updateJobStatus(h.db, job.id, { to: 'failed', failure: infra })).toBe(false);
    expect(await reload(job)).toEqual(canceled);
  });

  it('lets exactly one of several concurrent callers start a job', async () => {
    const job = await freshJob();
    await updateJobStatus(h.db, job.id, { to: 'queued' });
    const wins = await Promise.all(Array.from({ length: 6 }, () => updateJobStatus(h.db, job.id, { to: 'running' })));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await reload(job)).toMatchObject({ status: 'running', attempt: 1 });
  });

  it('throws not_found for an unknown job', async () => {
    await expect(updateJobStatus(h.db, 987_654_321, { to: 'queued' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
