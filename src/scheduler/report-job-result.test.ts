import { beforeAll, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { getRun } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { type ClaimedJob, claimJob } from './claim-job.js';
import { extendLease } from './extend-lease.js';
import { reportJobResult, type JobAttemptResult } from './report-job-result.js';
import { requeueExpiredLeases } from './requeue-expired-leases.js';
import {
  createLane,
  enqueueOnLane,
  infraFailure,
  jobStatuses,
  plannedJob,
  readJob,
  runStatus,
  t0,
  userFailure,
} from './test-support/scheduler-fixtures.js';

describeEachStore('reportJobResult', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });
  const leaseMs = 10_000;
  const retry = { backoffBaseMs: 1_000, backoffCapMs: 3_000 };

  /** An agent on its own lane: claims the next job, reports results under its lease. */
  function agent(clock: ManualClock, lane: string, agentId = 'agent') {
    return {
      claim: () => claimJob(h.db, clock, { agentId, labels: [lane], leaseMs }),
      report: (c: ClaimedJob, result: JobAttemptResult) =>
        reportJobResult(h.db, clock, { jobId: c.job.id, fencingToken: c.fencingToken, result, retry }),
      /** Claims the queued job `key` of the lane and reports `result`. */
      async finish(key: string, result: JobAttemptResult) {
        const c = await this.claim();
        expect(c?.job.jobKey).toBe(key);
        return this.report(c!, result);
      },
    };
  }

  it('fences out a stale holder: its heartbeat and report change nothing after its lease was taken back', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('build')]);
    const old = (await claimJob(h.db, clock, { agentId: 'old', labels: [lane], leaseMs }))!;
    clock.advance(leaseMs / 2);
    expect(await extendLease(h.db, clock, { jobId: old.job.id, fencingToken: old.fencingToken, leaseMs })).toBe(true);
    expect((await readJob(h.db, old.job.id)).leaseExpiresAt).toEqual(new Date(clock.now() + leaseMs));
    clock.advance(leaseMs + 1);
    expect((await requeueExpiredLeases(h.db, clock, { retry })).requeued).toContain(old.job.id);

    // Taken back, not yet reclaimed: same token, but the job is no longer running.
    const lateBeforeReclaim = await reportJobResult(h.db, clock, {
      jobId: old.job.id,
      fencingToken: old.fencingToken,
      result: { status: 'succeeded' },
    });
    expect(lateBeforeReclaim).toEqual({ accepted: false, reason: 'lease-lost' });
    expect(await extendLease(h.db, clock, { jobId: old.job.id, fencingToken: old.fencingToken, leaseMs })).toBe(false);

    clock.advance(retry.backoffBaseMs);
    const fresh = (await claimJob(h.db, clock, { agentId: 'new', labels: [lane], leaseMs }))!;
    expect(fresh).toMatchObject({ fencingToken: old.fencingToken + 1, job: { id: old.job.id, attempt: 2, leaseOwner: 'new' } });
    const before = await readJob(h.db, old.job.id);
    const late = await reportJobResult(h.db, clock, {
      jobId: old.job.id,
      fencingToken: old.fencingToken,
      result: { status: 'failed', failure: userFailure },
    });
    expect(late).toEqual({ accepted: false, reason: 'stale-fencing-token' });
    expect(await extendLease(h.db, clock, { jobId: old.job.id, fencingToken: old.fencingToken, leaseMs })).toBe(false);
    expect(await readJob(h.db, old.job.id)).toEqual(before);

    expect(await reportJobResult(h.db, clock, { jobId: fresh.job.id, fencingToken: fresh.fencingToken, result: { status: 'succeeded' } }))
      .toMatchObject({ accepted: true, status: 'succeeded', runStatus: 'succeeded' });
    expect(await reportJobResult(h.db, clock, { jobId: fresh.job.id, fencingToken: fresh.fencingToken, result: { status: 'succeeded' } }))
      .toEqual({ accepted: false, reason: 'already-finished' });
    expect(await reportJobResult(h.db, clock, { jobId: 987_654_321, fencingToken: 1, result: { status: 'succeeded' } }))
      .toEqual({ accepted: false, reason: 'unknown-job' });
    expect(await runStatus(h.db, run.id)).toBe('succeeded');
  });

  it('records the result, its failure and its steps, and finishes the run when the last job ends', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const steps = [0, 1, 2].map((index) => ({ index, name: `s${index}`, with: {}, env: {}, retry: 0, continueOnError: false, network: true }));
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('test', { steps })]);
    const a = agent(clock, lane);
    const c = (await a.claim())!;
    clock.advance(7_000);
    const outcome = await a.report(c, {
      status: 'failed',
      failure: userFailure,
      steps: [
        { index: 0, status: 'succeeded', exitCode: 0 },
        { index: 1, status: 'timed-out', exitCode: null },
        { index: 2, status: 'skipped' },
      ],
    });
    expect(outcome).toEqual({ accepted: true, runId: run.id, startedAt: new Date(t0), status: 'failed', promoted: [], skipped: [], runStatus: 'failed' });
    const detail = (await getRun(h.db, run.id))!;
    expect(detail).toMatchObject({ status: 'failed', finishedAt: new Date(t0 + 7_000), startedAt: new Date(t0) });
    expect(detail.jobs[0]).toMatchObject({ status: 'failed', failure: userFailure, finishedAt: new Date(t0 + 7_000) });
    expect(detail.jobs[0]!.steps.map((s) => [s.status, s.exitCode])).toEqual([
      ['succeeded', 0],
      ['failed', null],
      ['skipped', null],
    ]);
    expect((await readJob(h.db, c.job.id)).leaseOwner).toBeNull();
  });

  it('writes the steps of a succeeded report too', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const steps = [0, 1].map((index) => ({ index, name: `s${index}`, with: {}, env: {}, retry: 0, continueOnError: false, network: true }));
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('build', { steps })]);
    const outcome = await agent(clock, lane).finish('build', {
      status: 'succeeded',
      steps: [
        { index: 0, status: 'succeeded', exitCode: 0 },
        { index: 1, status: 'failed', exitCode: 3 },
      ],
    });
    expect(outcome).toEqual({ accepted: true, runId: run.id, startedAt: new Date(t0), status: 'succeeded', promoted: [], skipped: [], runStatus: 'succeeded' });
    expect((await getRun(h.db, run.id))!.jobs[0]!.steps.map((s) => [s.status, s.exitCode])).toEqual([
      ['succeeded', 0],
      ['failed', 3],
    ]);
  });

  it('refuses a failed report without a failure', async () => {
    await expect(
      reportJobResult(h.db, createManualClock(t0), { jobId: 1, fencingToken: 1, result: { status: 'failed' } }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('promotes dependants along the DAG: success, failure() and always() conditions, skips propagating', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [
      plannedJob('build'),
      plannedJob('lint'),
      plannedJob('test', { needs: ['build', 'lint'] }),
      plannedJob('deploy', { needs: ['test'] }),
      plannedJob('rollback', { needs: ['deploy'], if: 'failure' }),
      plannedJob('report', { needs: ['deploy'], if: 'always' }),
    ]);
    expect(await jobStatuses(h.db, run.id)).toMatchObject({ build: 'queued', lint: 'queued', test: 'pending' });
    const a = agent(clock, lane);
    const build = await a.finish('build', { status: 'succeeded' });
    expect(build).toMatchObject({ accepted: true, promoted: [], skipped: [] });
    expect(await jobStatuses(h.db, run.id)).toMatchObject({ test: 'pending' });
    clock.advance(500);
    const lint = await a.finish('lint', { status: 'succeeded' });
    expect(lint).toMatchObject({ accepted: true, promoted: [run.jobs[2]!.id], skipped: [] });
    expect(await readJob(h.db, run.jobs[2]!.id)).toMatchObject({ status: 'queued', readyAt: new Date(t0 + 500) });
    const test = await a.finish('test', { status: 'failed', failure: userFailure });
    expect(test).toMatchObject({
      accepted: true,
      status: 'failed',
      promoted: [run.jobs[4]!.id, run.jobs[5]!.id],
      skipped: [run.jobs[3]!.id],
    });
    expect(await jobStatuses(h.db, run.id)).toEqual({
      build: 'succeeded',
      lint: 'succeeded',
      test: 'failed',
      deploy: 'skipped',
      rollback: 'queued',
      report: 'queued',
    });
    await a.finish('rollback', { status: 'succeeded' });
    expect(await runStatus(h.db, run.id)).toBe('running');
    expect(await a.finish('report', { status: 'succeeded' })).toMatchObject({ runStatus: 'failed' });
  });

  it('lets a continue-on-error failure count as success and not fail the run', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [
      plannedJob('flaky', { continueOnError: true }),
      plannedJob('next', { needs: ['flaky'] }),
    ]);
    const a = agent(clock, lane);
    await a.finish('flaky', { status: 'failed', failure: userFailure });
    expect(await a.finish('next', { status: 'succeeded' })).toMatchObject({ runStatus: 'succeeded' });
    expect(await jobStatuses(h.db, run.id)).toEqual({ flaky: 'failed', next: 'succeeded' });
  });

  it('retries a retryable failure after an exponential backoff, until the attempts run out', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('build')], { maxAttempts: 4 });
    const a = agent(clock, lane);
    const readyAts: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const c = (await a.claim())!;
      expect(c.job.attempt).toBe(attempt);
      const outcome = await a.report(c, { status: 'failed', failure: infraFailure });
      expect(outcome).toMatchObject({ accepted: true, status: 'queued' });
      const job = await readJob(h.db, c.job.id);
      expect(job).toMatchObject({ status: 'queued', failure: infraFailure, leaseOwner: null });
      readyAts.push(job.readyAt.getTime() - clock.now());
      clock.advance(job.readyAt.getTime() - clock.now() - 1);
      expect(await a.claim()).toBeUndefined();
      clock.advance(1);
    }
    expect(readyAts).toEqual([1_000, 2_000, 3_000]);
    const last = (await a.claim())!;
    expect(await a.report(last, { status: 'failed', failure: infraFailure })).toMatchObject({
      accepted: true,
      status: 'failed',
      runStatus: 'failed',
    });
    expect(await readJob(h.db, last.job.id)).toMatchObject({ status: 'failed', attempt: 4 });
    expect(await runStatus(h.db, run.id)).toBe('failed');
  });

  it("retries a user failure only as often as the plan's retry asks", async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('once'), plannedJob('twice', { retry: 1 })], { maxAttempts: 1 });
    const a = agent(clock, lane);
    expect(await a.finish('once', { status: 'failed', failure: userFailure })).toMatchObject({ status: 'failed' });
    expect(await a.finish('twice', { status: 'failed', failure: userFailure })).toMatchObject({ status: 'queued' });
    clock.advance(retry.backoffBaseMs);
    expect(await a.finish('twice', { status: 'failed', failure: userFailure })).toMatchObject({ status: 'failed' });
  });
});
