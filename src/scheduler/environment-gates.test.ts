import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { decideGate } from '../deploy/approvals/index.js';
import { putEnvironment } from '../deploy/environments/index.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { advanceGates } from './advance-gates.js';
import { claimJob } from './claim-job.js';
import { reportJobResult } from './report-job-result.js';
import { createLane, enqueueOnLane, jobStatuses, plannedJob, readJob, runStatus, t0 } from './test-support/scheduler-fixtures.js';

const leaseMs = 60_000;

describeEachStore('environment gates', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db, 'gated');
    const put = (name: string, rules: object) => putEnvironment(h.db, createManualClock(t0), { projectId: project.id, name, rules, actor: 'mia' });
    await put('production', { requiredApprovals: { count: 1 }, branches: ['main'] });
    await put('staging', { waitTimerSeconds: 60 });
  });
  const jobId = (run: { jobs: { id: number; jobKey: string }[] }, key: string) => run.jobs.find((job) => job.jobKey === key)!.id;

  it('holds a job at its environment gate, unclaimable, until someone other than the author approves', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const claim = () => claimJob(h.db, clock, { agentId: 'agent-1', labels: [lane], leaseMs });
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('deploy', { environment: 'production' })], { author: 'ann' });
    const held = await readJob(h.db, jobId(run, 'deploy'));
    expect(held.status).toBe('pending');
    const { rows } = await h.db.query<{ gateId: number }>('SELECT gate_id AS "gateId" FROM jobs WHERE id = $1', [held.id]);
    const gateId = Number(rows[0]!.gateId);
    expect(gateId).toBeGreaterThan(0);
    expect(await claim()).toBeUndefined();
    expect(await advanceGates(h.db, clock)).toEqual({ queued: [], failed: [] });

    await expect(decideGate(h.db, clock, { requestId: gateId, actor: 'ann', role: 'maintainer', decision: 'approve' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    expect(await claim()).toBeUndefined();
    await decideGate(h.db, clock, { requestId: gateId, actor: 'bob', role: 'maintainer', decision: 'approve' });
    expect(await advanceGates(h.db, clock)).toEqual({ queued: [held.id], failed: [] });
    expect((await claim())?.job.id).toBe(held.id);
    // Passed and claimed: a later tick leaves it alone.
    expect(await advanceGates(h.db, clock)).toEqual({ queued: [], failed: [] });
  });

  it('queues a job once its wait timer is over, even when it was promoted after its needs', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const claim = () => claimJob(h.db, clock, { agentId: 'agent-2', labels: [lane], leaseMs });
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [
      plannedJob('build'),
      plannedJob('deploy', { needs: ['build'], environment: 'staging' }),
    ]);
    const build = (await claim())!;
    const reported = await reportJobResult(h.db, clock, { jobId: build.job.id, fencingToken: build.fencingToken, result: { status: 'succeeded' } });
    expect(reported).toMatchObject({ accepted: true, promoted: [] });
    expect(await jobStatuses(h.db, run.id)).toEqual({ build: 'succeeded', deploy: 'pending' });
    clock.advance(59_000);
    expect(await advanceGates(h.db, clock)).toEqual({ queued: [], failed: [] });
    expect(await claim()).toBeUndefined();
    clock.advance(1_000);
    expect(await advanceGates(h.db, clock)).toEqual({ queued: [jobId(run, 'deploy')], failed: [] });
    expect((await claim())?.job.jobKey).toBe('deploy');
  });

  it('fails a job whose branch may not deploy, at once, naming why, and skips its dependants', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(
      h.db,
      clock,
      project.id,
      lane,
      [plannedJob('deploy', { environment: 'production' }), plannedJob('smoke', { needs: ['deploy'] }), plannedJob('lint')],
      { ref: 'refs/heads/feature/x', author: 'ann' },
    );
    expect(await jobStatuses(h.db, run.id)).toEqual({ deploy: 'failed', smoke: 'skipped', lint: 'queued' });
    const deploy = await readJob(h.db, jobId(run, 'deploy'));
    expect(deploy.failure).toEqual({
      kind: 'user',
      retryable: false,
      message: expect.stringMatching(/^environment production \(approval request \d+\) was rejected: branch feature\/x may not deploy here: allowed branches are main/),
    });
    const lintJob = (await claimJob(h.db, clock, { agentId: 'agent-3', labels: [lane], leaseMs }))!;
    const reported = await reportJobResult(h.db, clock, { jobId: lintJob.job.id, fencingToken: lintJob.fencingToken, result: { status: 'succeeded' } });
    expect(reported).toMatchObject({ accepted: true, runStatus: 'failed' });
  });

  it('fails a held job when its gate is rejected, with the comment, skipping dependants and finishing the run', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [
      plannedJob('deploy', { environment: 'production' }),
      plannedJob('smoke', { needs: ['deploy'] }),
      plannedJob('notify', { needs: ['deploy'], if: 'failure' }),
    ], { author: 'ann' });
    const { rows } = await h.db.query<{ gateId: number }>('SELECT gate_id AS "gateId" FROM jobs WHERE id = $1', [jobId(run, 'deploy')]);
    await decideGate(h.db, clock, { requestId: Number(rows[0]!.gateId), actor: 'bob', role: 'maintainer', decision: 'reject', comment: 'not on a Friday' });
    expect(await advanceGates(h.db, clock)).toEqual({ queued: [], failed: [jobId(run, 'deploy')] });
    expect(await jobStatuses(h.db, run.id)).toEqual({ deploy: 'failed', smoke: 'skipped', notify: 'queued' });
    expect((await readJob(h.db, jobId(run, 'deploy'))).failure?.message).toMatch(/was rejected: rejected by bob \(maintainer\) — bob: "not on a Friday"/);
  });

  it('expires a gate nobody decided in time and fails the job', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('deploy', { environment: 'production' })]);
    clock.advance(24 * 3600_000);
    expect(await advanceGates(h.db, clock)).toEqual({ queued: [], failed: [jobId(run, 'deploy')] });
    expect((await readJob(h.db, jobId(run, 'deploy'))).failure?.message).toMatch(/was expired: .*nobody decided in time/);
    expect(await runStatus(h.db, run.id)).toBe('failed');
  });

  it('runs a job ungated when the project defines no such environment', async () => {
    const clock = createManualClock(t0);
    const lane = createLane();
    const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('deploy', { environment: 'qa' })]);
    expect(await jobStatuses(h.db, run.id)).toEqual({ deploy: 'queued' });
    const { rows } = await h.db.query('SELECT 1 FROM approval_requests WHERE run_id = $1', [run.id]);
    expect(rows).toEqual([]);
    expect((await claimJob(h.db, clock, { agentId: 'agent-4', labels: [lane], leaseMs }))?.job.id).toBe(jobId(run, 'deploy'));
  });
});
