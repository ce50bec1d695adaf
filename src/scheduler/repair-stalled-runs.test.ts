import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { claimJob } from './claim-job.js';
import { repairStalledRuns } from './repair-stalled-runs.js';
import { reportJobResult } from './report-job-result.js';
import { createLane, enqueueOnLane, jobStatuses, plannedJob, runStatus, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('repairStalledRuns', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });
  const leaseMs = 10_000;

  /** What a server that died right after committing a job's result (before its follow-up) leaves. */
  const finishWithoutFollowUp = async (jobId: number, now: Date) =>
    h.db.query("UPDATE jobs SET status = 'succeeded', finished_at = $2, lease_owner = NULL, lease_expires_at = NULL WHERE id = $1", [jobId, now]);

  it('queues a dependant and finishes the run that a crash between commit and follow-up left behind', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('a'), plannedJob('b', { needs: ['a'] })]);
    const a = (await claimJob(h.db, clock, { agentId: 'x', labels: [lane], leaseMs }))!;
    await finishWithoutFollowUp(a.job.id, new Date(clock.now()));
    expect(await jobStatuses(h.db, run.id)).toEqual({ a: 'succeeded', b: 'pending' });

    expect(await repairStalledRuns(h.db, clock)).toContain(run.id);
    expect(await jobStatuses(h.db, run.id)).toEqual({ a: 'succeeded', b: 'queued' });
    // Nothing left to repair while b is queued.
    expect(await repairStalledRuns(h.db, clock)).not.toContain(run.id);

    const b = (await claimJob(h.db, clock, { agentId: 'x', labels: [lane], leaseMs }))!;
    await finishWithoutFollowUp(b.job.id, new Date(clock.now()));
    expect(await runStatus(h.db, run.id)).toBe('running');
    expect(await repairStalledRuns(h.db, clock)).toContain(run.id);
    expect(await runStatus(h.db, run.id)).toBe('succeeded');
  });

  it('leaves runs alone whose reports followed up normally, also when two needs finish at once', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [
      plannedJob('a'),
      plannedJob('b'),
      plannedJob('c', { needs: ['a', 'b'] }),
    ]);
    const a = (await claimJob(h.db, clock, { agentId: 'x', labels: [lane], leaseMs }))!;
    const b = (await claimJob(h.db, clock, { agentId: 'y', labels: [lane], leaseMs }))!;
    const result = { status: 'succeeded' as const, steps: [] };
    await Promise.all([
      reportJobResult(h.db, clock, { jobId: a.job.id, fencingToken: a.fencingToken, result }),
      reportJobResult(h.db, clock, { jobId: b.job.id, fencingToken: b.fencingToken, result }),
    ]);
    expect(await jobStatuses(h.db, run.id)).toEqual({ a: 'succeeded', b: 'succeeded', c: 'queued' });
    expect(await repairStalledRuns(h.db, clock)).not.toContain(run.id);
  });
});
