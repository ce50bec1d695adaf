/**
 * Agents whose wall clock is off by minutes. Leases are the server's business: it stamps claims,
 * heartbeats and expiries with its own clock, and agents send no times in those calls. So an agent 7
 * minutes ahead and one 7 minutes behind must keep their leases by heartbeating (jobs last longer
 * than a lease), and a killed agent whose clock runs ahead must not hold its job any longer than a lease.
 * The skew is real in the agent process only: a preload (fixtures/skew-clock.mjs) shifts its Date.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { describePostgres } from '../../test-support/test-store.js';
import { adminTokenOf, signInFetch } from '../test-support/sign-in-as-admin.js';
import { waitFor } from '../test-support/wait-for.js';
import { checkJobEvidence } from './check-executions.js';
import { createIsolatedDatabase } from './isolated-database.js';
import { fetchJobLog, fetchRun, isFinishedRun, readExecutions, type SubmittedRun, submitMarkedRun } from './marked-jobs.js';
import {
  findFreePort,
  type ServerProcess,
  type SlipwayProcess,
  startAgentProcess,
  startServerProcess,
  createScratch,
  waitForAgentConnected,
} from './slipway-processes.js';

const skewMs = 7 * 60_000;
const preload = new URL('./fixtures/skew-clock.mjs', import.meta.url).href;
// Jobs outlast two leases: without working heartbeats every one would be requeued.
const leaseSeconds = 2;
const runCount = 2;
const jobsPerRun = 6;
const sleepMs = (job: number) => 4200 + ((job * 173) % 600);
const startedAtMs = Date.now();
const progress = (text: string) => console.log(`+${Date.now() - startedAtMs} ms: ${text}`);

describePostgres('agents whose clock is off by minutes', (harness) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it(`keep their leases by heartbeats (±${skewMs / 60_000} min), and a dead skewed agent's job is requeued after one lease`, { timeout: 90_000 }, async () => {
    const { databaseUrl, db } = await createIsolatedDatabase(harness);
    const { root, path, markerFile } = await createScratch('slipway-clock-skew-', cleanups);

    const server: ServerProcess = await startServerProcess({ databaseUrl, port: await findFreePort(), leaseSeconds, dataDir: join(root, 'server') });
    cleanups.push(() => server.stop());
    // This file's fetch calls to the server act as its administrator.
    const signOut = signInFetch(server.url, await adminTokenOf(db));
    cleanups.push(async () => signOut());
    const startSkewedAgent = (name: string, offsetMs: number, capacity: number): SlipwayProcess =>
      startAgentProcess({
        serverUrl: server.url,
        name,
        capacity,
        workDir: join(root, name),
        path,
        env: { NODE_OPTIONS: `--import=${preload}`, SLIPWAY_TEST_CLOCK_OFFSET_MS: String(offsetMs) },
      });
    const agents = [startSkewedAgent('ahead', skewMs, 6), startSkewedAgent('behind', -skewMs, 6)];
    cleanups.push(() => Promise.all(agents.map((agent) => agent.stop())));
    await Promise.all(agents.map((agent) => waitForAgentConnected(agent)));
    progress('server and agents up');
    for (const agent of agents) expect(agent.cli.stderr()).toMatch(/skew-clock: this process's wall clock is off by -?420000 ms/);

    // Phase 1: every job lasts more than two leases, on agents 7 minutes ahead and behind.
    const runs: SubmittedRun[] = [];
    for (let r = 0; r < runCount; r++) {
      runs.push(await submitMarkedRun(server.url, { runTag: `s${r}`, jobs: jobsPerRun, sleepMs, retry: 0, markerFile }));
    }
    await waitFor('every run to finish', async () => ((await Promise.all(runs.map((run) => fetchRun(server.url, run.runId)))).every(isFinishedRun) ? true : undefined), 45_000);
    progress('phase 1 runs finished');
    const executions = await readExecutions(markerFile);
    const problems: string[] = [];
    const byAgent = new Map<string, number>();
    for (const submitted of runs) {
      const run = (await fetchRun(server.url, submitted.runId)) as RunDetail;
      for (const job of run.jobs) {
        const tag = `${submitted.runTag}/${job.jobKey}`;
        const ran = executions.get(tag) ?? [];
        for (const execution of ran) byAgent.set(execution.agent, (byAgent.get(execution.agent) ?? 0) + 1);
        problems.push(...checkJobEvidence({ tag, job, executions: ran, log: await fetchJobLog(server.url, job.id) }, { allowRetries: false }));
      }
    }
    expect(problems).toEqual([]);
    // Both skewed agents ran jobs, or one of the clocks was not tested.
    expect(byAgent.get('ahead') ?? 0).toBeGreaterThan(0);
    expect(byAgent.get('behind') ?? 0).toBeGreaterThan(0);

    // Phase 2: the agent whose clock runs ahead dies with a job; were its clock trusted, the lease would
    // outlive it by minutes. The server requeues the job after about one lease, to the other agent.
    await agents[1]!.stop();
    const lonely = startSkewedAgent('ahead-2', skewMs, 1);
    agents.push(lonely);
    await waitForAgentConnected(lonely);
    const orphan = await submitMarkedRun(server.url, { runTag: 'orphan', jobs: 1, sleepMs: () => 3000, retry: 0, markerFile });
    await waitFor(
      'the orphan job to start',
      async () => ((await readFile(markerFile, 'utf8')).includes('orphan/j00') ? true : undefined),
      20_000,
    );
    const first = (await readExecutions(markerFile)).get('orphan/j00')![0]!;
    const victim = agents.find((agent) => agent.cli.child.exitCode === null && agent.cli.stderr().includes(`registered as ${first.agent}-`));
    expect(victim, `the agent ${first.agent} that took the job`).toBeDefined();
    progress('killing the agent with the orphan job');
    await victim!.kill();
    const killedAt = Date.now();
    const survivor = first.agent === 'ahead' ? 'ahead-2' : 'ahead';
    const run = await waitFor('the orphan run to finish', async () => {
      const detail = await fetchRun(server.url, orphan.runId);
      return isFinishedRun(detail) ? detail : undefined;
    }, 30_000);
    const requeuedAfterMs = Date.now() - killedAt;
    progress('orphan run finished');
    const orphanRuns = (await readExecutions(markerFile)).get('orphan/j00') ?? [];
    console.log(
      `clock skew ±${skewMs / 60_000} min, lease ${leaseSeconds} s: ${runCount * jobsPerRun} jobs of ~4.5 s, executions by agent ${JSON.stringify(Object.fromEntries(byAgent))}, ` +
        `none retried; a killed agent ${first.agent} (clock +${skewMs / 60_000} min): its job finished on ${orphanRuns.at(-1)?.agent} ${requeuedAfterMs} ms after the kill, attempt ${run.jobs[0]!.attempt}`,
    );
    expect(run!.status).toBe('succeeded');
    expect(orphanRuns.at(-1)?.agent).toBe(survivor);
    // One lease to expire, a reaper tick, the 3 s job: far less than the 7 minutes the agent's clock is ahead.
    expect(requeuedAfterMs).toBeLessThan(20_000);
  });
});
