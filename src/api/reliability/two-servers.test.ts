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

const runCount = 4;
const jobsPerRun = 10;
// Fewer slots (2 servers × 2 agents × 3) than jobs: both dispatchers keep claiming from one queue.
const agentsPerServer = 2;
const agentCapacity = 3;
const sleepMs = (run: number, job: number) => 300 + (((run * jobsPerRun + job) * 53) % 500);

describePostgres('two slipway servers on one PostgreSQL', (harness) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('never dispatch a job twice: every job runs exactly once and every run succeeds', { timeout: 100_000 }, async () => {
    const { databaseUrl } = await createIsolatedDatabase(harness);
    const { root, path, markerFile } = await createScratch('slipway-two-servers-', cleanups);

    // Started together: both migrate the same empty schema at once, as replicas rolling out would.
    const servers: ServerProcess[] = await Promise.all(
      ['a', 'b'].map(async (name) =>
        startServerProcess({ databaseUrl, port: await findFreePort(), leaseSeconds: 30, dataDir: join(root, `server-${name}`) }),
      ),
    );
    cleanups.push(() => Promise.all(servers.map((server) => server.stop())));
    const agentDirs: string[] = [];
    const agents: SlipwayProcess[] = [];
    servers.forEach((server, s) => {
      for (let i = 0; i < agentsPerServer; i++) {
        const workDir = join(root, `agent-${s}-${i}`);
        agentDirs.push(workDir);
        agents.push(startAgentProcess({ serverUrl: server.url, name: `server${s}-agent${i}`, capacity: agentCapacity, workDir, path }));
      }
    });
    cleanups.push(() => Promise.all(agents.map((agent) => agent.stop())));
    await Promise.all(agents.map((agent) => waitForAgentConnected(agent)));

    const runs: SubmittedRun[] = await Promise.all(
      Array.from({ length: runCount }, (_, r) =>
        submitMarkedRun(servers[r % servers.length]!.url, { runTag: `r${r}`, jobs: jobsPerRun, sleepMs: (j) => sleepMs(r, j), retry: 0, markerFile }),
      ),
    );
    await waitFor(
      'every run to finish',
      async () => ((await Promise.all(runs.map((run) => fetchRun(servers[0]!.url, run.runId)))).every(isFinishedRun) ? true : undefined),
      60_000,
    );
    await waitFor('the agents to be idle', async () => ((await Promise.all(agentDirs.map(isAgentIdle))).every(Boolean) ? true : undefined), 20_000);

    const executions = await readExecutions(markerFile);
    const problems: string[] = [];
    const jobsByServer = [0, 0];
    for (const submitted of runs) {
      const run = (await fetchRun(servers[1]!.url, submitted.runId)) as RunDetail;
      if (run.status !== 'succeeded') problems.push(`run ${submitted.runTag}: ${run.status}`);
      expect(run.jobs).toHaveLength(jobsPerRun);
      for (const job of run.jobs) {
        const tag = `${submitted.runTag}/${job.jobKey}`;
        const ran = executions.get(tag) ?? [];
        if (ran.length !== 1) problems.push(`${tag}: its steps ran ${ran.length} times (${ran.map((e) => e.agent).join(', ')})`);
        for (const execution of ran) jobsByServer[execution.agent.startsWith('server0-') ? 0 : 1]!++;
        const log = await fetchJobLog(servers[0]!.url, job.id);
        problems.push(...checkJobEvidence({ tag, job, executions: ran, log }, { allowRetries: false }));
      }
    }
    console.log(`jobs run by the agents of server a: ${jobsByServer[0]}, of server b: ${jobsByServer[1]}`);
    expect(problems).toEqual([]);
    expect(executions.size).toBe(runCount * jobsPerRun);
    // Both dispatchers must have claimed from the shared queue, or this proved nothing about two servers.
    expect(jobsByServer[0]).toBeGreaterThan(0);
    expect(jobsByServer[1]).toBeGreaterThan(0);
  });
});
