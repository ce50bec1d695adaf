import { expect, it } from 'vitest';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import { getRun } from './get-run.js';
import { updateJobStatus } from './update-job-status.js';

describeEachStore('getRun', (h) => {
  it('returns undefined for an unknown run', async () => {
    expect(await getRun(h.db, 987_654_321)).toBeUndefined();
  });

  it('returns the run with its own jobs and steps only, reflecting later changes', async () => {
    const project = await createTestProject(h.db);
    const [mine, other] = [await createTestRun(h.db, project.id), await createTestRun(h.db, project.id)];
    const build = mine.jobs[0]!;
    await updateJobStatus(h.db, build.id, { to: 'queued' });
    const at = new Date('2031-05-06T07:08:09.000Z');
    await updateJobStatus(h.db, build.id, { to: 'running', at });

    const found = await getRun(h.db, mine.id);
    expect(found?.number).toBe(mine.number);
    expect(found?.jobs.map((j) => j.id)).toEqual(mine.jobs.map((j) => j.id));
    expect(found?.jobs.flatMap((j) => j.steps.map((s) => s.jobId))).toEqual(
      mine.jobs.flatMap((j) => j.steps.map(() => j.id)),
    );
    expect(found?.jobs[0]).toMatchObject({ status: 'running', attempt: 1, startedAt: at });
    expect((await getRun(h.db, other.id))?.jobs[0]).toMatchObject({ status: 'pending', attempt: 0, startedAt: null });
  });
});
