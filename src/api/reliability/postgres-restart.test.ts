/**
 * PostgreSQL stopped and started again under a real `slipway server` with runs in flight. The database
 * is a private cluster on a free port (private-services.ts): the shared PostgreSQL other tests use is
 * never stopped. While it is down the API must answer 503 with the error shape and say what is wrong,
 * the server must stay up, and once it is back every run must finish with each job done exactly once
 * per attempt, its log complete (check-executions.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { connectPostgres } from '../../store/postgres/connect.js';
import { adminTokenOf, signInFetch } from '../test-support/sign-in-as-admin.js';
import { waitFor } from '../test-support/wait-for.js';
import { checkJobEvidence } from './check-executions.js';
import { fetchJobLog, fetchRun, isFinishedRun, readExecutions, type SubmittedRun, submitMarkedRun } from './marked-jobs.js';
import { createPrivatePostgres, findPostgresBinDir, missingBinaryReason, type PrivateService } from './private-services.js';
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

/** Outages, each with its own runs in flight. */
const outages = 2;
const runsPerOutage = 2;
const jobsPerRun = 6;
const agentCount = 2;
const agentCapacity = 8;
/** Long enough that jobs end (and report) while the database is down. */
const outageMs = 4000;
const sleepMs = (run: number, job: number) => 1500 + (((run * jobsPerRun + job) * 211) % 3000);
// Longer than an outage: a lease must not expire only because the server could not record a heartbeat.
const leaseSeconds = 12;
/** Every API answer while the database is down must come within this. */
const answerWithinMs = 3000;
const progress = (text: string) => console.log(`${new Date().toISOString()} ${text}`);

const binDir = await findPostgresBinDir();
const skipReason = missingBinaryReason('PostgreSQL (initdb, pg_ctl)', binDir);

interface ErrorAnswer {
  what: string;
  status: number;
  body: unknown;
}

/** What the API answers while the database is down: each must be a 503 in the error shape. */
async function probeApi(serverUrl: string, runId: number): Promise<ErrorAnswer[]> {
  const answers: ErrorAnswer[] = [];
  const ask = async (what: string, init?: RequestInit) => {
    // A request left hanging while the database is down is as bad as a crash for the caller.
    const answer = await fetch(`${serverUrl}${what.split(' ')[1]}`, { ...init, signal: AbortSignal.timeout(answerWithinMs) }).catch(
      (error: unknown) => error as Error,
    );
    if (answer instanceof Error) answers.push({ what, status: 0, body: `no answer within ${answerWithinMs} ms: ${answer.message}` });
    else answers.push({ what, status: answer.status, body: await answer.json().catch(() => '(not JSON)') });
  };
  await ask('GET /api/v1/health');
  await ask(`GET /api/v1/runs/${runId}`);
  await ask('GET /api/v1/runs');
  await ask('POST /api/v1/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ project: 'reliability/down', ref: 'refs/heads/main', pipeline: 'name: x\nstages:\n  - name: a\n    steps:\n      - run: "true"\n' }),
  });
  return answers;
}

function describeProblems(answers: readonly ErrorAnswer[]): string[] {
  const problems: string[] = [];
  for (const { what, status, body } of answers) {
    if (status !== 503) problems.push(`${what}: ${status} ${JSON.stringify(body)}`);
    if (what === 'GET /api/v1/health') {
      const report = body as { status?: string; error?: string };
      if (report.status !== 'unavailable' || !/PostgreSQL/.test(report.error ?? '')) problems.push(`${what}: unclear ${JSON.stringify(body)}`);
      continue;
    }
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
    if (error?.code !== 'unavailable' || typeof error.message !== 'string' || typeof error.details !== 'object') {
      problems.push(`${what}: not the error shape: ${JSON.stringify(body)}`);
    } else if (!/PostgreSQL/.test(error.message)) {
      problems.push(`${what}: the message does not say what is down: ${error.message}`);
    }
  }
  return problems;
}

describe.skipIf(skipReason !== undefined)(`a slipway server whose PostgreSQL restarts${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it(`answers 503 while it is down, then finishes every run: ${outages} outages with jobs in flight`, { timeout: 120_000 }, async () => {
    const postgres: PrivateService = await createPrivatePostgres(binDir!);
    cleanups.push(() => postgres.dispose());
    await postgres.start();
    const { root, path, markerFile } = await createScratch('slipway-pg-restart-', cleanups);

    const server: ServerProcess = await startServerProcess({ databaseUrl: postgres.url, port: await findFreePort(), leaseSeconds, dataDir: join(root, 'server'), env: { SLIPWAY_LOG_LEVEL: 'info' } });
    cleanups.push(() => server.stop());
    // This file's fetch calls to the server act as its administrator.
    const adminDb = await connectPostgres({ databaseUrl: postgres.url, maxConnections: 1 });
    const signOut = signInFetch(server.url, await adminTokenOf(adminDb));
    await adminDb.close();
    cleanups.push(async () => signOut());
    const agentDirs = Array.from({ length: agentCount }, (_, i) => join(root, `agent-${i}`));
    const agents: SlipwayProcess[] = agentDirs.map((workDir, i) =>
      startAgentProcess({ serverUrl: server.url, name: `agent-${i}`, capacity: agentCapacity, workDir, path }),
    );
    cleanups.push(() => Promise.all(agents.map((agent) => agent.stop())));
    await Promise.all(agents.map((agent) => waitForAgentConnected(agent)));
    progress(`server ${server.url} and agents up`);

    const runs: SubmittedRun[] = [];
    const apiProblems: string[] = [];
    const summaries: string[] = [];
    for (let o = 0; o < outages; o++) {
      const submitted: SubmittedRun[] = [];
      for (let r = 0; r < runsPerOutage; r++) {
        const runTag = `o${o}r${r}`;
        submitted.push(await submitMarkedRun(server.url, { runTag, jobs: jobsPerRun, sleepMs: (j) => sleepMs(r, j), retry: 0, markerFile }));
      }
      runs.push(...submitted);
      const started = async () => (await readFile(markerFile, 'utf8').catch(() => '')).split('\n').filter((line) => line.startsWith(`o${o}`)).length;
      await waitFor('jobs to be executing', async () => ((await started()) >= jobsPerRun ? true : undefined), 30_000);

      progress(`outage ${o + 1}: stopping PostgreSQL`);
      await postgres.stop();
      const stoppedAt = Date.now();
      let probes = 0;
      while (Date.now() - stoppedAt < outageMs) {
        apiProblems.push(...describeProblems(await probeApi(server.url, submitted[0]!.runId)));
        probes++;
        await sleep(250);
      }
      const exitedWhileDown = server.cli.child.exitCode;
      progress(`outage ${o + 1}: starting PostgreSQL`);
      await postgres.start();
      const healthyAfterMs = await waitFor(
        'the server to be healthy again',
        async () => ((await fetch(`${server.url}/api/v1/health`)).status === 200 ? Date.now() - stoppedAt - outageMs : undefined),
        20_000,
      );
      summaries.push(`outage ${o + 1}: ${probes} API probes while down, healthy ${healthyAfterMs} ms after restart`);
      expect(exitedWhileDown, `the server exited while PostgreSQL was down:\n${server.cli.stderr()}`).toBeNull();
      // One outage at a time: two close together could cost a job two heartbeats in a row (see the report).
      progress(`outage ${o + 1}: waiting for its runs to finish`);
      await waitFor(
        `the runs of outage ${o + 1} to finish`,
        async () => ((await Promise.all(submitted.map((run) => fetchRun(server.url, run.runId)))).every(isFinishedRun) ? true : undefined),
        60_000,
      ).catch(async (error: unknown) => {
        const states = await Promise.all(submitted.map(async (run) => `${run.runTag}: ${(await fetchRun(server.url, run.runId))?.status ?? 'no answer'}`));
        throw new Error(`${String(error)}; runs: ${states.join(', ')}\nserver stderr:\n${server.cli.stderr().slice(-4000)}\nagent stderr:\n${agents.map((agent) => agent.cli.stderr().slice(-2000)).join('\n')}`);
      });
    }

    await waitFor('the agents to be idle', async () => ((await Promise.all(agentDirs.map(isAgentIdle))).every(Boolean) ? true : undefined), 20_000);

    const executions = await readExecutions(markerFile);
    const problems: string[] = [];
    const retried: string[] = [];
    for (const submitted of runs) {
      const run = (await fetchRun(server.url, submitted.runId)) as RunDetail;
      if (run.status !== 'succeeded') problems.push(`run ${submitted.runTag}: ${run.status}`);
      expect(run.jobs).toHaveLength(jobsPerRun);
      for (const job of run.jobs) {
        const tag = `${submitted.runTag}/${job.jobKey}`;
        if (job.attempt > 1) {
          const ran = (executions.get(tag) ?? []).map((execution) => `${execution.agent} at ${new Date(execution.startedAtMs).toISOString()}`);
          retried.push(`${tag} (${job.attempt} attempts, ran on ${ran.join(' and ')}, finished ${String(job.finishedAt)})`);
        }
        const log = await fetchJobLog(server.url, job.id);
        problems.push(...checkJobEvidence({ tag, job, executions: executions.get(tag) ?? [], log }, { allowRetries: false }));
      }
    }
    console.log(
      `PostgreSQL restart: ${summaries.join('; ')}; ${runs.length * jobsPerRun} jobs, ${[...executions.values()].flat().length} executions; ` +
        `API problems while down: ${apiProblems.length}; more than one attempt: ${retried.join(', ') || 'none'}`,
    );
    expect(apiProblems).toEqual([]);
    expect(problems, `server log:\n${server.cli.stderr().slice(-6000)}\nagent logs:\n${agents.map((agent) => agent.cli.stderr().slice(-3000)).join('\n')}`).toEqual([]);
    expect(agents.every((agent) => agent.cli.child.exitCode === null)).toBe(true);
  });
});
