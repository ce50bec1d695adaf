/**
 * Two servers on one PostgreSQL, one of them killed with -9 for good while its agent runs jobs: the
 * other takes over. Leases live in the store, so the survivor requeues the dead server's jobs when
 * their leases expire and its own agent runs them; every run succeeds, and a job's steps run again
 * only in a new attempt, never after its result was recorded.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { describePostgres } from '../../test-support/test-store.js';
import { waitFor } from '../test-support/wait-for.js';
import { checkJobEvidence } from './check-executions.js';
import { createIsolatedDatabase } from './isolated-database.js';
import { fetchJobLog, fetchRun, isFinishedRun, readExecutions, type SubmittedRun, submitMarkedRun } from './marked-jobs.js';
import { findFreePort, type ServerProcess, type SlipwayProcess, startAgentProcess, startServerProcess, createScratch, waitForAgentConnected } from './slipway-processes.js';

const runCount = 3;
const jobsPerRun = 6;
const leaseSeconds = 5;
// Long enough that the dead server's agent is mid-job when the kill comes.
const sleepMs = (run: number, job: number) => 2500 + (((run * jobsPerRun + job) * 97) % 1500);

describePostgres('two slipway servers on one PostgreSQL, one killed for good', (harness) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it("the survivor takes over the dead server's leases: every run succeeds, nothing runs after its result", { timeout: 100_000 }, async () => {
    const { databaseUrl } = await createIsolatedDatabase(harness);
    const { root, path, markerFile } = await createScratch('slipway-takeover-', cleanups);
    const [doomed, survivor] = (await Promise.all(
      ['doomed', 'survivor'].map(async (name) => startServerProcess({ databaseUrl, port: await findFreePort(), leaseSeconds, dataDir: join(root, name) })),
    )) as [ServerProcess, ServerProcess];
    cleanups.push(() => survivor.stop(), () => doomed.stop());
    const agents: SlipwayProcess[] = [
      startAgentProcess({ serverUrl: doomed.url, name: 'doomed-agent', capacity: 6, workDir: join(root, 'agent-doomed'), path }),
      startAgentProcess({ serverUrl: survivor.url, name: 'survivor-agent', capacity: 6, workDir: join(root, 'agent-survivor'), path }),
    ];
    cleanups.push(() => Promise.all(agents.map((agent) => agent.stop())));
    await Promise.all(agents.map((agent) => waitForAgentConnected(agent)));

    const runs: SubmittedRun[] = [];
    for (let r = 0; r < runCount; r++) {
      runs.push(await submitMarkedRun(doomed.url, { runTag: `r${r}`, jobs: jobsPerRun, sleepMs: (j) => sleepMs(r, j), retry: 0, markerFile }));
    }
    // Kill once the doomed server's agent is running jobs.
    const startedOnDoomed = async () => (await readFile(markerFile, 'utf8').catch(() => '')).split('\n').filter((line) => line.includes(' doomed-agent ')).length;
    await waitFor('the doomed agent to run jobs', async () => ((await startedOnDoomed()) >= 2 ? true : undefined), 30_000);
    const inFlightAtKill = await startedOnDoomed();
    await doomed.kill();
    // Its agent cannot reach it any more: the jobs it held are the survivor's to requeue.
    await agents[0]!.kill();

    await waitFor(
      'every run to finish on the survivor',
      async () => ((await Promise.all(runs.map((run) => fetchRun(survivor.url, run.runId)))).every(isFinishedRun) ? true : undefined),
      60_000,
    );
    const executions = await readExecutions(markerFile);
    const problems: string[] = [];
    let takenOver = 0;
    for (const submitted of runs) {
      const run = (await fetchRun(survivor.url, submitted.runId)) as RunDetail;
      if (run.status !== 'succeeded') problems.push(`run ${submitted.runTag}: ${run.status}`);
      for (const job of run.jobs) {
        const tag = `${submitted.runTag}/${job.jobKey}`;
        const ran = executions.get(tag) ?? [];
        if (ran.some((e) => e.agent === 'doomed-agent') && ran.at(-1)?.agent === 'survivor-agent') takenOver += 1;
        problems.push(...checkJobEvidence({ tag, job, executions: ran, log: await fetchJobLog(survivor.url, job.id) }, { allowRetries: true }));
      }
    }
    console.log(`kill -9 of one of two servers with ${inFlightAtKill} job(s) started by its agent; ${takenOver} taken over and finished by the survivor's agent`);
    expect(problems).toEqual([]);
    expect(executions.size).toBe(runCount * jobsPerRun);
    // Otherwise the kill hit nothing in flight and the test proved nothing.
    expect(takenOver).toBeGreaterThanOrEqual(1);
  });
});
