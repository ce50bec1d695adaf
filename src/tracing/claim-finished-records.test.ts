import { expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import type { Db } from '../store/index.js';
import { createTestProject, createTestRun } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { claimFinishedRecords } from './claim-finished-records.js';

const t0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const at = (ms: number) => new Date(t0 + ms);

/** Runs build then test (both succeeded) and finishes the run at t0 + finishedMs. */
async function finishRun(db: Db, projectId: number, finishedMs: number): Promise<{ runId: number; jobIds: number[] }> {
  const run = await createTestRun(db, projectId, [
    { key: 'build', stage: 'build' },
    { key: 'test', stage: 'test', needs: ['build'] },
  ]);
  const jobIds = run.jobs.map((job) => job.id);
  await db.query(
    `UPDATE jobs SET status = 'succeeded', attempt = 1, started_at = $2::timestamptz + (id - $3::bigint) * interval '1 second', finished_at = $2::timestamptz + (id - $3::bigint + 1) * interval '1 second' WHERE run_id = $1`,
    [run.id, at(finishedMs - 5_000), jobIds[0]],
  );
  await db.query(`UPDATE runs SET status = 'succeeded', started_at = $2, finished_at = $3 WHERE id = $1`, [run.id, at(finishedMs - 5_000), at(finishedMs)]);
  return { runId: run.id, jobIds };
}

describeEachStore('claimFinishedRecords', (h) => {
  it('claims each run finished since tracing was enabled once, with its jobs; earlier history never', async () => {
    const clock = createManualClock(t0 + 10_000);
    const project = await createTestProject(h.db, 'trace-claim');
    const old = await finishRun(h.db, project.id, 5_000);
    expect((await claimFinishedRecords(h.db, clock)).runs.map((run) => run.id)).not.toContain(old.runId);
    clock.set(t0 + 30_000);
    const fresh = await finishRun(h.db, project.id, 20_000);
    const claimed = await claimFinishedRecords(h.db, clock);
    const run = claimed.runs.find((r) => r.id === fresh.runId)!;
    expect(run).toMatchObject({ project: project.name, status: 'succeeded', pipelineName: 'ci', finishedAt: at(20_000) });
    expect(run.jobs.map((job) => [job.id, job.jobKey, job.status, job.attempt, job.startedAt?.getTime(), job.finishedAt?.getTime()])).toEqual([
      [fresh.jobIds[0], 'build', 'succeeded', 1, t0 + 15_000, t0 + 16_000],
      [fresh.jobIds[1], 'test', 'succeeded', 1, t0 + 16_000, t0 + 17_000],
    ]);
    expect((await claimFinishedRecords(h.db, clock)).runs).toEqual([]);
  });

  it('hands every run to exactly one of several claimers polling at once, page after page', async () => {
    const clock = createManualClock(t0 + 100_000);
    const project = await createTestProject(h.db, 'trace-race');
    const runIds: number[] = [];
    for (let i = 0; i < 12; i += 1) runIds.push((await finishRun(h.db, project.id, 90_000 + i)).runId);
    const options = { overlapMs: 60_000, pageSize: 5 };
    const results = await Promise.all([1, 2, 3].map(() => claimFinishedRecords(h.db, clock, options)));
    const claimed = results.flatMap((result) => result.runs.map((run) => run.id)).filter((id) => runIds.includes(id));
    expect(claimed.sort((a, b) => a - b)).toEqual(runIds);
  });

  it("links a deploy step's deployment to its job and run, with its canary decisions in order", async () => {
    const clock = createManualClock(t0 + 200_000);
    const project = await createTestProject(h.db, 'trace-deploy');
    const { runId, jobIds } = await finishRun(h.db, project.id, 150_000);
    const release = await h.db.query<{ id: number }>(
      `INSERT INTO releases (project_id, service, version, digest, source, config, config_hash, created_by, created_at)
       VALUES ($1, 'web', '1.4.0', $2, '{}', '{}', $2, 'mia', $3) RETURNING id`,
      [project.id, 'b'.repeat(64), at(0)],
    );
    const insertDeployment = async (key: string | null, status: string, failure: unknown) =>
      (
        await h.db.query<{ id: number }>(
          `INSERT INTO deployments (project_id, environment, service, release_id, strategy, status, idempotency_key, failure, created_by, created_at, updated_at, finished_at)
           VALUES ($1, 'production', 'web', $2, '{"type":"canary"}', $3, $4, $5::jsonb, 'mia', $6, $7, $7) RETURNING id`,
          [project.id, release.rows[0]!.id, status, key, failure === null ? null : JSON.stringify(failure), at(210_000), at(240_000)],
        )
      ).rows[0]!.id;
    const stepDeployment = await insertDeployment(`job:${jobIds[1]}:step:0`, 'aborted', null);
    const apiDeployment = await insertDeployment(null, 'failed', { kind: 'infra', retryable: false, message: 'replica web-2 exited 1' });
    await h.db.query(`INSERT INTO canary_rollouts (id, service, policy_version, created_at, updated_at) VALUES ($1, 'web', 'p1', $2, $2)`, [`deployment-${stepDeployment}`, at(210_000)]);
    for (const [step, action, verdict] of [[1, 'PROMOTE', 'PASS'], [2, 'ROLLBACK', 'FAIL']] as const) {
      await h.db.query(
        `INSERT INTO canary_decisions (rollout_id, step, action, verdict, reasons, evidence, policy_version, idempotency_key, created_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, '{}', 'p1', $6, $7)`,
        [`deployment-${stepDeployment}`, step, action, verdict, JSON.stringify([`rule ${step}`]), `d${stepDeployment}:${step}`, at(220_000 + step * 1_000)],
      );
    }
    // Finished after whichever poll fixed the cursors' floor (the first test's, or this one alone).
    const { deployments } = await claimFinishedRecords(h.db, clock);
    const byId = new Map(deployments.map((d) => [d.id, d]));
    expect(byId.get(stepDeployment)).toMatchObject({
      environment: 'production',
      service: 'web',
      version: '1.4.0',
      strategy: 'canary',
      status: 'aborted',
      job: { id: jobIds[1], runId, jobKey: 'test' },
      decisions: [
        { step: 1, action: 'PROMOTE', verdict: 'PASS', reasons: ['rule 1'], policyVersion: 'p1', createdAt: at(221_000) },
        { step: 2, action: 'ROLLBACK', verdict: 'FAIL', reasons: ['rule 2'], policyVersion: 'p1', createdAt: at(222_000) },
      ],
    });
    expect(byId.get(apiDeployment)).toMatchObject({ job: null, decisions: [], failureMessage: 'replica web-2 exited 1' });
  });
});
