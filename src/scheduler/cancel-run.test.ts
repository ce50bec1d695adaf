import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { cancelRun } from './cancel-run.js';
import { claimJob } from './claim-job.js';
import { extendLease } from './extend-lease.js';
import { reportJobResult } from './report-job-result.js';
import { createLane, enqueueOnLane, jobStatuses, plannedJob, readJob, runStatus, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('cancelRun', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });
  const leaseMs = 10_000;

  it('cancels queued and pending jobs at once and lists the running ones; their canceled report ends the run', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [
      plannedJob('build'),
      plannedJob('lint'),
      plannedJob('test', { needs: ['build'] }),
    ]);
    const running = (await claimJob(h.db, clock, { agentId: 'agent-7', labels: [lane], leaseMs }))!;
    clock.advance(100);
    const canceled = await cancelRun(h.db, clock, run.id);
    expect(canceled).toEqual({
      runId: run.id,
      canceledJobIds: [run.jobs[1]!.id, run.jobs[2]!.id],
      running: [{ jobId: running.job.id, leaseOwner: 'agent-7' }],
    });
    expect(await jobStatuses(h.db, run.id)).toEqual({ build: 'running', lint: 'canceled', test: 'canceled' });
    expect(await readJob(h.db, run.jobs[1]!.id)).toMatchObject({ finishedAt: new Date(t0 + 100), failure: { kind: 'canceled' } });
    expect(await runStatus(h.db, run.id)).toBe('running');
    expect(await claimJob(h.db, clock, { agentId: 'other', labels: [lane], leaseMs })).toBeUndefined();
    // Until it stops, the agent keeps its lease.
    expect(await extendLease(h.db, clock, { jobId: running.job.id, fencingToken: running.fencingToken, leaseMs })).toBe(true);

    expect(await cancelRun(h.db, clock, run.id)).toEqual({
      runId: run.id,
      canceledJobIds: [],
      running: [{ jobId: running.job.id, leaseOwner: 'agent-7' }],
    });
    const report = await reportJobResult(h.db, clock, {
      jobId: running.job.id,
      fencingToken: running.fencingToken,
      result: { status: 'canceled', failure: { kind: 'canceled', retryable: false, message: 'stopped' } },
    });
    expect(report).toMatchObject({ accepted: true, status: 'canceled', promoted: [], skipped: [], runStatus: 'canceled' });
    expect(await runStatus(h.db, run.id)).toBe('canceled');
  });

  it('does not retry a failure reported during cancellation', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('build')]);
    const c = (await claimJob(h.db, clock, { agentId: 'a', labels: [lane], leaseMs }))!;
    await cancelRun(h.db, clock, run.id);
    const report = await reportJobResult(h.db, clock, {
      jobId: c.job.id,
      fencingToken: c.fencingToken,
      result: { status: 'failed', failure: { kind: 'infra', retryable: true, message: 'killed' } },
    });
    expect(report).toMatchObject({ accepted: true, status: 'failed', runStatus: 'canceled' });
  });

  it('finishes a run with nothing running at once, leaves a finished run alone, and throws not_found', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('build')]);
    expect(await cancelRun(h.db, clock, run.id)).toEqual({
      runId: run.id,
      canceledJobIds: [run.jobs[0]!.id],
      running: [],
      runStatus: 'canceled',
    });
    expect(await runStatus(h.db, run.id)).toBe('canceled');
    expect(await cancelRun(h.db, clock, run.id)).toEqual({ runId: run.id, canceledJobIds: [], running: [] });
    await expect(cancelRun(h.db, clock, 987_654_321)).rejects.toMatchObject({ code: 'not_found' });
  });
});
