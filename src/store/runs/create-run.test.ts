import { expect, it } from 'vitest';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import { type NewJob, createRun } from './create-run.js';
import { getRun } from './get-run.js';

describeEachStore('createRun', (h) => {
  it('inserts a queued run with pending jobs and steps, in plan order', async () => {
    const project = await createTestProject(h.db);
    const run = await createTestRun(h.db, project.id);
    expect(run).toMatchObject({
      projectId: project.id,
      number: 1,
      ref: 'refs/heads/main',
      commitSha: 'a'.repeat(40),
      trigger: 'push',
      status: 'queued',
      pipelineName: 'ci',
      startedAt: null,
      finishedAt: null,
    });
    expect(run.createdAt).toBeInstanceOf(Date);
    expect(run.jobs.map((j) => [j.jobKey, j.stage, j.needs, j.status, j.attempt, j.failure])).toEqual([
      ['build', 'build', [], 'pending', 0, null],
      ['test[node=20]', 'test', ['build'], 'pending', 0, null],
      ['lint', 'lint', ['build'], 'pending', 0, null],
      ['deploy', 'deploy', ['test[node=20]', 'lint'], 'pending', 0, null],
    ]);
    expect(run.jobs.map((j) => j.steps.map((s) => [s.idx, s.name, s.status]))).toEqual([
      [
        [0, 'checkout', 'pending'],
        [1, 'compile', 'pending'],
      ],
      [[0, 'unit', 'pending']],
      [],
      [
        [0, 'push', 'pending'],
        [1, 'verify', 'pending'],
        [2, 'announce', 'pending'],
      ],
    ]);
    expect(await getRun(h.db, run.id)).toEqual(run);
  });

  it('numbers runs per project: concurrent triggers get distinct consecutive numbers', async () => {
    const [busy, quiet] = [await createTestProject(h.db, 'busy'), await createTestProject(h.db, 'quiet')];
    const runs = await Promise.all([
      ...Array.from({ length: 20 }, () => createTestRun(h.db, busy.id)),
      createTestRun(h.db, quiet.id),
    ]);
    const busyNumbers = runs.filter((r) => r.projectId === busy.id).map((r) => r.number);
    expect(busyNumbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(runs.filter((r) => r.projectId === quiet.id).map((r) => r.number)).toEqual([1]);
  });

  it('writes nothing, and uses up no number, when the database rejects part of the run', async () => {
    const project = await createTestProject(h.db);
    await createTestRun(h.db, project.id);
    // PostgreSQL text cannot hold NUL, so the job insert fails after the run row was written.
    await expect(createTestRun(h.db, project.id, [{ key: 'bad\u0000key', stage: 'build' }])).rejects.toThrow();
    const { rows } = await h.db.query<{ number: number }>('SELECT number FROM runs WHERE project_id = $1', [project.id]);
    expect(rows).toEqual([{ number: 1 }]);
    expect((await createTestRun(h.db, project.id)).number).toBe(2);
  });

  it('refuses duplicate job keys, unknown needs and empty runs before writing', async () => {
    const project = await createTestProject(h.db);
    const run = (jobs: NewJob[]) =>
      createRun(h.db, { projectId: project.id, ref: 'main', trigger: 'manual', pipelineName: 'ci', jobs });
    await expect(run([{ key: 'a', stage: 'a' }, { key: 'a', stage: 'b' }])).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('"a" appears twice'),
    });
    await expect(run([{ key: 'a', stage: 'a', needs: ['ghost'] }])).rejects.toThrow(/needs "ghost", which is not a job/);
    await expect(run([])).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await h.db.query('SELECT 1 FROM runs WHERE project_id = $1', [project.id])).rowCount).toBe(0);
  });

  it('refuses an unknown project', async () => {
    await expect(createTestRun(h.db, 987_654_321)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('joins a transaction it is called in', async () => {
    const project = await createTestProject(h.db);
    await expect(
      h.db.transaction(async (tx) => {
        await createTestRun(tx, project.id);
        throw new Error('caller changed its mind');
      }),
    ).rejects.toThrow('caller changed its mind');
    expect((await h.db.query('SELECT 1 FROM runs WHERE project_id = $1', [project.id])).rowCount).toBe(0);
    expect((await createTestRun(h.db, project.id)).number).toBe(1);
  });
});
