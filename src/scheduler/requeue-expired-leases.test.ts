import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { applyMigrations, type Db, ensureProject, loadMigrations, type Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { cancelRun } from './cancel-run.js';
import { claimJob } from './claim-job.js';
import { extendLease } from './extend-lease.js';
import { requeueExpiredLeases } from './requeue-expired-leases.js';
import { createLane, enqueueOnLane, jobStatuses, plannedJob, readJob, runStatus, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('requeueExpiredLeases', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });
  const leaseMs = 10_000;
  const retry = { backoffBaseMs: 2_000, backoffCapMs: 60_000 };
  const mine = (ids: number[], own: number[]) => ids.filter((id) => own.includes(id));

  it('requeues a job whose lease expired, as an infra failure, keeping its token; a heartbeat keeps it', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('lost'), plannedJob('alive')]);
    const ids = run.jobs.map((j) => j.id);
    const lost = (await claimJob(h.db, clock, { agentId: 'gone', labels: [lane], leaseMs }))!;
    const alive = (await claimJob(h.db, clock, { agentId: 'here', labels: [lane], leaseMs }))!;
    clock.advance(leaseMs - 1);
    expect(await extendLease(h.db, clock, { jobId: alive.job.id, fencingToken: alive.fencingToken, leaseMs })).toBe(true);
    expect(mine((await requeueExpiredLeases(h.db, clock, { retry })).requeued, ids)).toEqual([]);
    clock.advance(1);
    const reclaimed = await requeueExpiredLeases(h.db, clock, { retry });
    expect(mine(reclaimed.requeued, ids)).toEqual([lost.job.id]);
    expect(await readJob(h.db, lost.job.id)).toMatchObject({
      status: 'queued',
      attempt: 1,
      fencingToken: lost.fencingToken,
      leaseOwner: null,
      leaseExpiresAt: null,
      readyAt: new Date(clock.now() + retry.backoffBaseMs),
      failure: { kind: 'infra', retryable: true, message: expect.stringContaining('agent gone stopped renewing') },
    });
    expect(await readJob(h.db, alive.job.id)).toMatchObject({ status: 'running', leaseOwner: 'here' });
    expect(await runStatus(h.db, run.id)).toBe('running');
  });

  it('fails the job when the lost attempt was its last, and cancels it when its run is being canceled', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('last'), plannedJob('after', { needs: ['last'] })], {
      maxAttempts: 1,
    });
    const other = (await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('canceling')])).run;
    await claimJob(h.db, clock, { agentId: 'gone', labels: [lane], leaseMs });
    await claimJob(h.db, clock, { agentId: 'gone', labels: [lane], leaseMs });
    await cancelRun(h.db, clock, other.id);
    clock.advance(leaseMs);
    const reclaimed = await requeueExpiredLeases(h.db, clock, { retry });
    expect(mine(reclaimed.finished, [...run.jobs, ...other.jobs].map((j) => j.id)).sort()).toEqual(
      [run.jobs[0]!.id, other.jobs[0]!.id].sort(),
    );
    expect(await jobStatuses(h.db, run.id)).toEqual({ last: 'failed', after: 'skipped' });
    expect(await runStatus(h.db, run.id)).toBe('failed');
    expect(await readJob(h.db, other.jobs[0]!.id)).toMatchObject({ status: 'canceled', failure: { kind: 'canceled' } });
    expect(await runStatus(h.db, other.id)).toBe('canceled');
  });

  it('takes each expired lease back once when two servers reap at the same time', async () => {
    const empty = await h.createEmptyDatabase();
    const [one, two] = [await empty.connect(), await empty.connect()] as [Db, Db];
    await applyMigrations(one, await loadMigrations());
    const clock = createManualClock(t0);
    const lane = createLane();
    const own = await ensureProject(one, { name: 'reapers' });
    const jobIds: number[] = [];
    for (let r = 0; r < 6; r++) {
      const { run } = await enqueueOnLane(one, clock, own.id, lane, Array.from({ length: 10 }, (_, i) => plannedJob(`j${i}`)));
      jobIds.push(...run.jobs.map((j) => j.id));
    }
    while (await claimJob(one, clock, { agentId: 'gone', labels: [lane], leaseMs }));
    clock.advance(leaseMs);
    const [a, b] = await Promise.all([
      requeueExpiredLeases(one, clock, { retry }),
      requeueExpiredLeases(two, clock, { retry }),
    ]);
    expect([...a.requeued, ...b.requeued].sort((x, y) => x - y)).toEqual(jobIds.sort((x, y) => x - y));
    expect([...a.finished, ...b.finished]).toEqual([]);
    const { rows } = await two.query<{ status: string; attempt: number; token: number; n: number }>(
      'SELECT status, attempt, fencing_token AS token, count(*)::int AS n FROM jobs GROUP BY 1, 2, 3',
    );
    expect(rows).toEqual([{ status: 'queued', attempt: 1, token: 1, n: jobIds.length }]);
  });
});
