import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { claimJob } from './claim-job.js';
import { releaseUndeliveredJobs } from './release-undelivered-jobs.js';
import { reportJobResult } from './report-job-result.js';
import { createLane, enqueueOnLane, plannedJob, readJob, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('releaseUndeliveredJobs', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });
  const leaseMs = 15_000;

  it('requeues at once, with its attempt given back, a job leased to an agent that does not run it', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('kept'), plannedJob('lost'), plannedJob('elsewhere')]);
    const kept = (await claimJob(h.db, clock, { agentId: 'agent-a', labels: [lane], leaseMs }))!;
    const lost = (await claimJob(h.db, clock, { agentId: 'agent-a', labels: [lane], leaseMs }))!;
    const other = (await claimJob(h.db, clock, { agentId: 'agent-b', labels: [lane], leaseMs }))!;

    expect(await releaseUndeliveredJobs(h.db, clock, { agentId: 'agent-a', runningJobIds: [kept.job.id] })).toEqual([lost.job.id]);
    expect(await readJob(h.db, lost.job.id)).toMatchObject({ status: 'queued', attempt: 0, leaseOwner: null });
    expect((await readJob(h.db, kept.job.id)).status).toBe('running');
    expect((await readJob(h.db, other.job.id)).status).toBe('running');

    // A report still carrying the old claim's token is refused once the job is claimed again.
    const again = (await claimJob(h.db, clock, { agentId: 'agent-c', labels: [lane], leaseMs }))!;
    expect(again.job.id).toBe(lost.job.id);
    expect(again.fencingToken).toBeGreaterThan(lost.fencingToken);
    const late = await reportJobResult(h.db, clock, { jobId: lost.job.id, fencingToken: lost.fencingToken, result: { status: 'succeeded' } });
    expect(late).toEqual({ accepted: false, reason: 'stale-fencing-token' });
    expect((await readJob(h.db, lost.job.id)).attempt).toBe(1);
  });
});
