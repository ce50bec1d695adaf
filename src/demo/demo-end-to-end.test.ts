/**
 * `slipway demo` end to end, in one process: a real platform (PGlite in a temp data dir, free ports,
 * local agents, the built-in router, the canary engine) and the demo driving it over HTTP like the CLI.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEngineDecision } from '../canary/index.js';
import { loadConfig } from '../config/index.js';
import { type Platform, startPlatform } from '../platform/start-platform.js';
import { signInFetch } from '../api/test-support/sign-in-as-admin.js';
import { runDemo } from './run-demo.js';

describe('slipway demo', () => {
  let dir: string;
  let platform: Platform | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-demo-e2e-'));
    const config = loadConfig({}, {
      port: 0,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      routerPort: 0,
      grpcPort: 0,
      agentToken: randomBytes(24).toString('base64url'),
      // Fixed at two, as `slipway up` on a 2-core machine would scale to: no wait for the autoscaler between jobs.
      localAgents: { min: 2, max: 2, jobsPerAgent: 1, idleGraceMs: 60_000 },
    });
    platform = await startPlatform(config, pino({ level: 'silent' }), {
      localAgent: { name: 'demo', labels: ['local'], workDir: join(dir, 'agent') },
      autoscaleIntervalMs: 250,
    });
    // As after `npm start`: the CLI (here, this process's fetch) has the first start's admin token.
    signInFetch(new URL(platform.url).origin, platform.adminToken!);
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('v1 ships to staging and production, v2 (5% errors) is rolled back by a decision with evidence, v3 is promoted', { timeout: 170_000 }, async () => {
    const lines: string[] = [];
    const started = Date.now();
    const result = await runDemo({
      serverUrl: platform!.url,
      parentDir: join(dir, 'repos'),
      project: 'demo/hello',
      runTimeoutMs: 120_000,
      write: (line) => lines.push(line),
    });
    const output = lines.join('\n');
    console.info(`${output}\n(demo took ${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const statuses = (run: { jobs: { jobKey: string; status: string }[] }) => Object.fromEntries(run.jobs.map((j) => [j.jobKey, j.status]));
    expect(statuses(result.runs.v1)).toEqual({
      build: 'succeeded',
      test: 'succeeded',
      'deploy-staging': 'succeeded',
      verify: 'succeeded',
      'deploy-production': 'succeeded',
    });
    // The verification's load test report is kept with the run as an artifact.
    const { artifacts } = (await (await fetch(`${platform!.url}/api/v1/runs/${result.runs.v1.id}/artifacts`)).json()) as {
      artifacts: { id: number; jobKey: string; fileCount: number }[];
    };
    const report = artifacts.find((artifact) => artifact.jobKey === 'verify');
    expect(report).toMatchObject({ fileCount: 1 });
    expect((await fetch(`${platform!.url}/api/v1/runs/${result.runs.v1.id}/artifacts/${report!.id}/archive`)).status).toBe(200);
    expect(result.runs.v2.status).toBe('failed');
    expect(statuses(result.runs.v2)).toMatchObject({ 'deploy-staging': 'failed', 'deploy-production': 'skipped' });
    expect(result.rollback).toMatchObject({ action: 'ROLLBACK', service: 'hello-staging' });
    expect(toEngineDecision(result.rollback).evidence.find((e) => e.triggered)).toMatchObject({ rule: 'error-rate', verdict: 'FAIL', triggered: true });
    expect(output).toContain(`evidence (slipway rollouts explain ${result.rollback.sequence})`);
    expect(output).toMatch(/rule error-rate → ROLLBACK: FAIL/);

    expect(result.runs.v3.status).toBe('succeeded');
    // One PROMOTE per analysis step of production's canary (steps 2 and 4 of strategy.yml).
    expect(result.promotions.map((d) => d.step)).toEqual(expect.arrayContaining([2, 4]));
    expect(JSON.parse(result.productionServes.body)).toEqual({ service: 'hello', version: 'v3' });

    expect(result.traffic.requests).toBeGreaterThan(100);
    expect(result.phases.map((p) => p.phase)).toHaveLength(4);
    expect(output).toMatch(/^phase\s+result\s+seconds$/m);
  });

  it('says to start the server when none answers', async () => {
    await expect(runDemo({ serverUrl: 'http://127.0.0.1:9', parentDir: dir, write: () => {} })).rejects.toThrow(/cannot reach the Slipway server at .*npm start/);
  });
});
