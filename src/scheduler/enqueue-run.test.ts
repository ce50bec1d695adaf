import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { enqueueRun } from './enqueue-run.js';
import { createLane, enqueueOnLane, plannedJob, readJob, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('enqueueRun', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });

  it('creates the run with its plan on each job: no needs queued, others pending', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const group = createLane('group');
    const plan = [
      plannedJob('build', { runsOn: ['linux'], timeoutMs: 120_000 }),
      plannedJob('lint'),
      plannedJob('test', { needs: ['build'], retry: 4 }),
    ];
    const { run, canceledRuns } = await enqueueOnLane(h.db, clock, project.id, lane, plan, {
      priority: 7,
      concurrency: { group },
    });
    expect(canceledRuns).toEqual([]);
    expect(run).toMatchObject({ projectId: project.id, status: 'queued', pipelineName: 'ci', commitSha: 'b'.repeat(40) });
    expect(run.jobs.map((j) => [j.jobKey, j.status, j.needs, j.steps.map((s) => s.name)])).toEqual([
      ['build', 'queued', [], ['run']],
      ['lint', 'queued', [], ['run']],
      ['test', 'pending', ['build'], ['run']],
    ]);
    expect(await readJob(h.db, run.jobs[0]!.id)).toMatchObject({
      plan: { ...plan[0], runsOn: ['linux', lane] },
      runsOn: ['linux', lane],
      priority: 7,
      concurrencyGroup: group,
      readyAt: new Date(t0),
      maxAttempts: 3,
      timeoutMs: 120_000,
      fencingToken: 0,
      leaseOwner: null,
    });
    expect(await readJob(h.db, run.jobs[2]!.id)).toMatchObject({ maxAttempts: 5, timeoutMs: null });
  });

  it('refuses bad options and writes nothing', async () => {
    const clock = createManualClock(t0);
    const input = { projectId: project.id, ref: 'main', trigger: 'manual' as const, plan: { name: 'ci', jobs: [plannedJob('a')] } };
    await expect(enqueueRun(h.db, clock, { ...input, maxAttempts: 0 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(enqueueRun(h.db, clock, { ...input, concurrency: { group: ' ' } })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(enqueueRun(h.db, clock, { ...input, plan: { name: 'ci', jobs: [] } })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await h.db.query('SELECT 1 FROM runs WHERE project_id = $1 AND ref = $2', [project.id, 'main'])).rowCount).toBe(0);
  });
});
