import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { applyMigrations, type Db, ensureProject, loadMigrations, type Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { claimJob } from './claim-job.js';
import { reportJobResult } from './report-job-result.js';
import { createLane, enqueueOnLane, jobStatuses, plannedJob, readJob, runStatus, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('claimJob', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db);
  });
  const leaseMs = 30_000;

  it('leases the job to the agent: running, attempt 1, token 1, lease until now + leaseMs, run running', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('build', { timeoutMs: 60_000 })]);
    clock.advance(5);
    const claimed = await claimJob(h.db, clock, { agentId: 'agent-1', labels: [lane], leaseMs });
    expect(claimed).toMatchObject({ fencingToken: 1, leaseExpiresAt: new Date(t0 + 5 + leaseMs) });
    expect(claimed!.job).toMatchObject({
      id: run.jobs[0]!.id,
      runId: run.id,
      jobKey: 'build',
      status: 'running',
      attempt: 1,
      leaseOwner: 'agent-1',
      leaseExpiresAt: new Date(t0 + 5 + leaseMs),
      startedAt: new Date(t0 + 5),
      timeoutMs: 60_000,
      plan: { id: 'build', steps: [{ name: 'run', run: 'true' }] },
    });
    expect(await readJob(h.db, run.jobs[0]!.id)).toEqual(claimed!.job);
    expect(await runStatus(h.db, run.id)).toBe('running');
    expect(await claimJob(h.db, clock, { agentId: 'agent-2', labels: [lane], leaseMs })).toBeUndefined();
  });

  it('takes the highest priority first, then the job ready longest', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const enqueue = async (key: string, priority: number) => {
      const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob(key)], { priority });
      clock.advance(1_000);
      return run;
    };
    await enqueue('old-low', 0);
    await enqueue('old-high', 5);
    await enqueue('new-low', 0);
    await enqueue('new-high', 5);
    await enqueue('urgent', 10);
    const order: string[] = [];
    for (let c = await claimJob(h.db, clock, { agentId: 'a', labels: [lane], leaseMs }); c; ) {
      order.push(c.job.jobKey);
      c = await claimJob(h.db, clock, { agentId: 'a', labels: [lane], leaseMs });
    }
    expect(order).toEqual(['urgent', 'old-high', 'new-high', 'old-low', 'new-low']);
  });

  it("gives a job only to an agent having all of its runs_on labels", async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('gpu-linux', { runsOn: ['linux', 'gpu'] })]);
    expect(await claimJob(h.db, clock, { agentId: 'a', labels: [lane, 'linux'], leaseMs })).toBeUndefined();
    expect(await claimJob(h.db, clock, { agentId: 'b', labels: [lane, 'gpu', 'arm'], leaseMs })).toBeUndefined();
    const claimed = await claimJob(h.db, clock, { agentId: 'c', labels: ['arm', 'gpu', lane, 'linux'], leaseMs });
    expect(claimed?.job.jobKey).toBe('gpu-linux');
  });

  it('does not hand out a job before its ready_at', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('later')]);
    const early = createManualClock(t0 - 1);
    expect(await claimJob(h.db, early, { agentId: 'a', labels: [lane], leaseMs })).toBeUndefined();
    expect(await claimJob(h.db, clock, { agentId: 'a', labels: [lane], leaseMs })).toBeDefined();
  });

  it('runs one job of a concurrency group at a time, the others waiting in order', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const group = createLane('group');
    const runs = [];
    for (const key of ['first', 'second', 'third']) {
      // Priority would put the later runs first; the group's order wins within the group.
      const priority: number = runs.length;
      runs.push((await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob(key)], { priority, concurrency: { group } })).run);
      clock.advance(1);
    }
    await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('ungrouped')]);
    const claim = () => claimJob(h.db, clock, { agentId: 'a', labels: [lane], leaseMs });
    const first = await claim();
    expect(first?.job.jobKey).toBe('first');
    expect((await claim())?.job.jobKey).toBe('ungrouped');
    expect(await claim()).toBeUndefined();
    await reportJobResult(h.db, clock, { jobId: first!.job.id, fencingToken: first!.fencingToken, result: { status: 'succeeded' } });
    const second = await claim();
    expect(second?.job.jobKey).toBe('second');
    expect(await claim()).toBeUndefined();
    await reportJobResult(h.db, clock, { jobId: second!.job.id, fencingToken: second!.fencingToken, result: { status: 'succeeded' } });
    expect((await claim())?.job.jobKey).toBe('third');
  });

  it('with cancel-in-progress, a new run cancels the older ones of its group and waits for their running job', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const group = createLane('group');
    const concurrency = { group, cancelInProgress: true };
    const jobs = [plannedJob('build'), plannedJob('deploy', { needs: ['build'] })];
    const older = (await enqueueOnLane(h.db, clock, project.id, lane, jobs, { concurrency })).run;
    const pendingOnly = (await enqueueOnLane(h.db, clock, project.id, createLane(), jobs, { concurrency: { group } })).run;
    const running = await claimJob(h.db, clock, { agentId: 'old-agent', labels: [lane], leaseMs });
    expect(running?.job.runId).toBe(older.id);

    const newer = await enqueueOnLane(h.db, clock, project.id, lane, jobs, { concurrency });
    expect(newer.canceledRuns).toEqual([
      { runId: older.id, canceledJobIds: [older.jobs[1]!.id], running: [{ jobId: running!.job.id, leaseOwner: 'old-agent' }] },
      { runId: pendingOnly.id, canceledJobIds: pendingOnly.jobs.map((j) => j.id), running: [], runStatus: 'canceled' },
    ]);
    expect(await jobStatuses(h.db, older.id)).toEqual({ build: 'running', deploy: 'canceled' });
    expect(await claimJob(h.db, clock, { agentId: 'new-agent', labels: [lane], leaseMs })).toBeUndefined();

    const report = await reportJobResult(h.db, clock, {
      jobId: running!.job.id,
      fencingToken: running!.fencingToken,
      result: { status: 'canceled' },
    });
    expect(report).toMatchObject({ accepted: true, status: 'canceled', runStatus: 'canceled' });
    expect((await claimJob(h.db, clock, { agentId: 'new-agent', labels: [lane], leaseMs }))?.job.runId).toBe(newer.run.id);
  });

  it('claims each job exactly once with concurrent claimers on separate connection pools', async () => {
    const empty = await h.createEmptyDatabase();
    const pools: Db[] = [];
    for (let i = 0; i < 4; i++) pools.push(await empty.connect());
    await applyMigrations(pools[0]!, await loadMigrations());
    const clock = createManualClock(t0);
    const lane = createLane();
    const own = await ensureProject(pools[0]!, { name: 'concurrent' });
    const jobIds: number[] = [];
    const runIds: number[] = [];
    for (let r = 0; r < 4; r++) {
      const jobs = Array.from({ length: 40 }, (_, i) => plannedJob(`job-${i}`));
      const { run } = await enqueueOnLane(pools[0]!, clock, own.id, lane, jobs);
      runIds.push(run.id);
      jobIds.push(...run.jobs.map((j) => j.id));
    }
    const claimer = async (db: Db, agentId: string) => {
      const claimed: number[] = [];
      for (;;) {
        const c = await claimJob(db, clock, { agentId, labels: [lane], leaseMs });
        if (!c) return claimed;
        claimed.push(c.job.id);
        const report = await reportJobResult(db, clock, { jobId: c.job.id, fencingToken: c.fencingToken, result: { status: 'succeeded' } });
        expect(report.accepted).toBe(true);
      }
    };
    const perClaimer = await Promise.all(pools.map((db, i) => claimer(db, `agent-${i}`)));
    const all = perClaimer.flat().sort((a, b) => a - b);
    expect(all).toEqual([...jobIds].sort((a, b) => a - b));
    const { rows } = await pools[1]!.query<{ status: string; attempt: number; token: number; n: number }>(
      `SELECT status, attempt, fencing_token AS token, count(*)::int AS n FROM jobs GROUP BY 1, 2, 3`,
    );
    expect(rows).toEqual([{ status: 'succeeded', attempt: 1, token: 1, n: jobIds.length }]);
    for (const runId of runIds) expect(await runStatus(pools[2]!, runId)).toBe('succeeded');
    if (h.kind === 'postgres') expect(perClaimer.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
  });
});
