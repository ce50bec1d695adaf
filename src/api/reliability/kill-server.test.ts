import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { describePostgres } from '../../test-support/test-store.js';
import { waitFor } from '../test-support/wait-for.js';
import { checkJobEvidence } from './check-executions.js';
import { createIsolatedDatabase } from './isolated-database.js';
import { fetchJobLog, fetchRun, isFinishedRun, readExecutions, type SubmittedRun, submitMarkedRun } from './marked-jobs.js';
import {
  findFreePort,
  isAgentIdle,
  type ServerProcess,
  type SlipwayProcess,
  startAgentProcess,
  startServerProcess,
  createScratch,
  waitForAgentConnected,
} from './slipway-processes.js';

const runCount = 5;
const jobsPerRun = 10;
const agentCount = 3;
// Room for every job at once, so all 50 can be in flight when the server dies.
const agentCapacity = 20;
// Long enough that most of the 50 jobs are still running when the kill comes on a loaded 2-core machine.
const sleepMs = (run: number, job: number) => 2000 + (((run * jobsPerRun + job) * 137) % 2000);
// Outlasts a typical restart (~1–4 s here), yet short enough that an outage can expire some leases:
// both outcomes must end with every run succeeded. Pipelines ask for no retries (`retry: 0`): a lost
// lease is an infra failure, retried within the scheduler's default 3 attempts like any user's job.
// A claim the dying server committed but never pushed is one such lost lease (one job per kill, typically).
const leaseSeconds = 6;

describePostgres('a slipway server killed with -9 while 50 jobs are in flight', (harness) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('comes back on the same port and database: every run succeeds, no job re-runs after its result, no log bytes lost', { timeout: 115_000 }, async () => {
    const { databaseUrl, db } = await createIsolatedDatabase(harness);
    const { root, path, markerFile } = await createScratch('slipway-kill-server-', cleanups);
    const serverOptions = { databaseUrl, port: await findFreePort(), leaseSeconds, dataDir: join(root, 'server') };

    let server: ServerProcess = await startServerProcess(serverOptions);
    cleanups.push(() => server.stop());
    const agentDirs = Array.from({ length: agentCount }, (_, i) => join(root, `agent-${i}`));
    const agents: SlipwayProcess[] = agentDirs.map((workDir, i) =>
      startAgentProcess({ serverUrl: server.url, name: `agent-${i}`, capacity: agentCapacity, workDir, path }),
    );
    cleanups.push(() => Promise.all(agents.map((agent) => agent.stop())));
    await Promise.all(agents.map((agent) => waitForAgentConnected(agent)));

    const runs: SubmittedRun[] = [];
    for (let r = 0; r < runCount; r++) {
      runs.push(
        await submitMarkedRun(server.url, { runTag: `r${r}`, jobs: jobsPerRun, sleepMs: (j) => sleepMs(r, j), retry: 0, markerFile }),
      );
    }
    const executionsStarted = async () => (await readFile(markerFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    await waitFor('30 jobs to be executing', async () => ((await executionsStarted()) >= 30 ? true : undefined), 40_000);

    const { rows } = await db.query<{ running: number; finished: number }>(
      `SELECT count(*) FILTER (WHERE status = 'running')::int AS running,
              count(*) FILTER (WHERE status IN ('succeeded', 'failed', 'canceled'))::int AS finished FROM jobs`,
    );
    const atKill = rows[0]!;
    await server.kill();
    const killedAt = Date.now();
    server = await startServerProcess(serverOptions);
    const downMs = Date.now() - killedAt;

    await waitFor(
      'every run to finish',
      async () => ((await Promise.all(runs.map((run) => fetchRun(server.url, run.runId)))).every(isFinishedRun) ? true : undefined),
      60_000,
    );
    // A job re-run after its result would show up as a workspace still (or again) in use.
    await waitFor('the agents to be idle', async () => ((await Promise.all(agentDirs.map(isAgentIdle))).every(Boolean) ? true : undefined), 20_000);

    const executions = await readExecutions(markerFile);
    const problems: string[] = [];
    const retried: string[] = [];
    let executionCount = 0;
    for (const submitted of runs) {
      const run = (await fetchRun(server.url, submitted.runId)) as RunDetail;
      if (run.status !== 'succeeded') problems.push(`run ${submitted.runTag}: ${run.status}`);
      expect(run.jobs).toHaveLength(jobsPerRun);
      for (const job of run.jobs) {
        const tag = `${submitted.runTag}/${job.jobKey}`;
        const ran = executions.get(tag) ?? [];
        executionCount += ran.length;
        if (job.attempt > 1) retried.push(`${tag} (${job.attempt} attempts, ${ran.length} executions)`);
        const log = await fetchJobLog(server.url, job.id);
        problems.push(...checkJobEvidence({ tag, job, executions: ran, log }, { allowRetries: true }));
      }
    }
    console.log(
      `kill -9 with ${atKill.running} jobs running, ${atKill.finished} finished; server down ${downMs} ms; ` +
        `${executionCount} executions of ${runCount * jobsPerRun} jobs; more than one attempt: ${retried.join(', ') || 'none'}`,
    );
    expect(problems).toEqual([]);
    // Otherwise the kill did not hit jobs in flight and the test proved nothing.
    expect(atKill.running).toBeGreaterThanOrEqual(20);
    expect(executions.size).toBe(runCount * jobsPerRun);
  });
});
