import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { claimJob } from './claim-job.js';
import { reportJobResult } from './report-job-result.js';
import { requeueExpiredLeases } from './requeue-expired-leases.js';
import { createLane, enqueueOnLane, jobStatuses, plannedJob, readJob, runStatus, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('enqueueRun with a hand-off', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });

  it('starts a handed-off job at once under a lease, as a claim would, and leaves the others to the queue', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const plan = [plannedJob('build'), plannedJob('lint'), plannedJob('test', { needs: ['build'] })];
    const handOff = new Map([
      ['build', { agentId: 'agent-a', leaseMs: 15_000 }],
      // A job with needs is never handed off, whatever the caller asks.
      ['test', { agentId: 'agent-a', leaseMs: 15_000 }],
    ]);
    const { run, handedOff } = await enqueueOnLane(h.db, clock, project.id, lane, plan, { handOff });

    expect(run.status).toBe('running');
    expect(await runStatus(h.db, run.id)).toBe('running');
    expect(await jobStatuses(h.db, run.id)).toEqual({ build: 'running', lint: 'queued', test: 'pending' });
    const build = run.jobs.find((job) => job.jobKey === 'build')!;
    expect(handedOff).toEqual([
      { jobId: build.id, jobKey: 'build', agentId: 'agent-a', plan: expect.objectContaining({ id: 'build' }), fencingToken: 1, leaseMs: 15_000, readyAt: new Date(t0) },
    ]);
    expect(await readJob(h.db, build.id)).toMatchObject({
      status: 'running',
      attempt: 1,
      fencingToken: 1,
      leaseOwner: 'agent-a',
      leaseExpiresAt: new Date(t0 + 15_000),
      startedAt: new Date(t0),
      readyAt: new Date(t0),
    });

    // Nothing left to claim of it; the other queued job still is.
    const claimed = await claimJob(h.db, clock, { agentId: 'agent-b', labels: [lane], leaseMs: 15_000 });
    expect(claimed?.job.jobKey).toBe('lint');
    expect(await claimJob(h.db, clock, { agentId: 'agent-b', labels: [lane], leaseMs: 15_000 })).toBeUndefined();

    // Its agent's report with the hand-off's fencing token is accepted and promotes the dependant.
    const outcome = await reportJobResult(h.db, clock, { jobId: build.id, fencingToken: 1, result: { status: 'succeeded' } });
    expect(outcome).toMatchObject({ accepted: true, status: 'succeeded' });
    expect((await jobStatuses(h.db, run.id))['test']).toBe('queued');
  });

  it('requeues a handed-off job whose agent never reports once its lease expires, and refuses the late report', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run, handedOff } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('only')], {
      handOff: new Map([['only', { agentId: 'agent-gone', leaseMs: 3000 }]]),
    });
    expect(handedOff).toHaveLength(1);
    clock.advance(3001);
    await requeueExpiredLeases(h.db, clock, { retry: { backoffBaseMs: 0 } });
    expect(await jobStatuses(h.db, run.id)).toEqual({ only: 'queued' });
    const reclaimed = await claimJob(h.db, clock, { agentId: 'agent-b', labels: [lane], leaseMs: 3000 });
    expect(reclaimed).toMatchObject({ fencingToken: 2, job: { attempt: 2 } });
    const late = await reportJobResult(h.db, clock, { jobId: handedOff[0]!.jobId, fencingToken: 1, result: { status: 'succeeded' } });
    expect(late.accepted).toBe(false);
  });

  it('never hands off a job of a concurrency group: the group keeps its order through the claim', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run, handedOff } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('deploy')], {
      concurrency: { group: createLane('group') },
      handOff: new Map([['deploy', { agentId: 'agent-a', leaseMs: 15_000 }]]),
    });
    expect(handedOff).toEqual([]);
    expect(run.status).toBe('queued');
    expect(await jobStatuses(h.db, run.id)).toEqual({ deploy: 'queued' });
  });
});
