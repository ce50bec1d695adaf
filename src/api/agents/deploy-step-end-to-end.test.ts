import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../../blobs/index.js';
import type { DeployController } from '../../deploy/controller/index.js';
import { createTestClient } from '../../deploy/router/test-support/start-test-backends.js';
import type { RunDetail } from '../../store/index.js';
import { ensureProject } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { waitFor } from '../test-support/wait-for.js';
import { deployStepKey } from './register-deploy-step-routes.js';
import { createTestDeployController } from '../../deploy/controller/test-support/test-controller.js';
import { createTestPeople, type PersonHeaders } from '../test-support/sign-in-as-admin.js';

const project = 'acme/shop';
const fixtureService = fileURLToPath(new URL('../../deploy/targets/local/test-support/fixture-service.mjs', import.meta.url));

interface JobDeployment {
  id: number;
  status: string;
  version: string;
  gateRequestId: number | null;
  idempotencyKey: string | null;
  failure: { message: string; stderrTail?: string[] } | null;
}

describePglite('the deploy step: a pipeline job with environment: deploys through the server', (harness) => {
  let dir: string;
  let controller: DeployController;
  let platform: TestPlatform | undefined;
  let url: string;
  let serverScript: string;
  /** Maintainers of the team owning the project, as request headers. */
  let people: Record<'mia' | 'alice' | 'bob', PersonHeaders>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-deploy-step-e2e-'));
    // The build step writes the service itself: steps may run sandboxed, with the host's /tmp hidden.
    serverScript = (await readFile(fixtureService)).toString('base64');
    const blobStore = createFsBlobStore({ root: join(dir, 'blobs') });
    controller = createTestDeployController(dir, {
      db: harness.db,
      blobs: blobStore,
    });
    await controller.start();
    platform = await startTestPlatform(harness.db, {
      blobStore,
      deployments: { db: harness.db, controller },
      agent: { name: 'deployer', capacity: 2, workDir: join(dir, 'work') },
    });
    people = await createTestPeople(harness.db, { mia: 'maintainer', alice: 'maintainer', bob: 'maintainer' });
    url = platform.url;
    await ensureProject(harness.db, { name: project });
    for (const [name, rules] of [
      ['staging', {}],
      ['production', { requiredApprovals: { count: 1 } }],
    ] as const) {
      const put = await fetch(`${url}/api/v1/projects/${encodeURIComponent(project)}/environments/${name}`, {
        method: 'PUT',
        headers: people.mia,
        body: JSON.stringify({ rules }),
      });
      expect(put.status).toBe(201);
    }
  });
  afterAll(async () => {
    await platform?.stop();
    await controller?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** build writes the release (server.mjs + service.yml) and a canary strategy as artifacts; deploy ships them. */
  const pipeline = (input: { version: string; service?: string; environment?: string; env?: string; deployExtra?: string; canarySteps?: string }) => `
name: shop
stages:
  - name: build
    artifacts:
      paths: [release, deploy]
    steps:
      - run: |
          mkdir -p release deploy
          echo '${serverScript}' | base64 -d > release/server.mjs
          printf 'name: ${input.service ?? 'shop'}\\nstart: node server.mjs\\nreplicas: 1\\nreadiness: {path: /ready, intervalMs: 50, timeoutMs: 1000}\\nenv: {VERSION: ${input.version}${input.env ?? ''}}\\nstopTimeoutMs: 2000\\n' > release/service.yml
          printf 'strategy:\\n  canary:\\n    steps:\\n${input.canarySteps ?? '      - setWeight: 20\\n      - pause: {duration: 1s}\\n      - setWeight: 60\\n'}' > deploy/canary.yml
  - name: deploy
    needs: [build]
    environment: ${input.environment ?? 'staging'}
${input.deployExtra ?? ''}    steps:
      - uses: deploy
        with:
          service: release/service.yml
          strategy: deploy/canary.yml
          dir: release
          version: ${input.version}
`;

  const startRun = async (text: string) => {
    const posted = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: people.alice,
      body: JSON.stringify({ project, ref: 'refs/heads/main', pipeline: text }),
    });
    expect(posted.status).toBe(201);
    const { runId, jobs } = (await posted.json()) as { runId: number; jobs: { id: number; key: string }[] };
    const jobId = (key: string) => jobs.find((j) => j.key === key)!.id;
    const finished = () =>
      waitFor(
        `run ${runId} to finish`,
        async () => {
          const detail = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
          return ['succeeded', 'failed', 'canceled'].includes(detail.status) ? detail : undefined;
        },
        60_000,
      );
    const logOf = async (key: string) => {
      const sse = await (await fetch(`${url}/api/v1/jobs/${jobId(key)}/logs`)).text();
      return sse
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
    };
    return { runId, jobId, finished, logOf };
  };

  const deploymentOf = async (jobId: number): Promise<JobDeployment> => {
    const { rows } = await harness.db.query<{ id: number }>('SELECT id FROM deployments WHERE idempotency_key = $1', [deployStepKey(jobId, 0)]);
    expect(rows).toHaveLength(1);
    return (await controller.describe(Number(rows[0]!.id))).deployment as unknown as JobDeployment;
  };

  const served = async (service: string): Promise<Set<string | undefined>> => {
    const client = createTestClient(controller.routerUrl, service);
    try {
      const seen = new Set<string | undefined>();
      for (let i = 0; i < 10; i += 1) seen.add((await client.get()).version);
      return seen;
    } finally {
      client.close();
    }
  };

  it('deploys v1 then v2 with a canary, writes the rollout into the job log, and a resubmission finds the same deployment', { timeout: 120_000 }, async () => {
    const first = await startRun(pipeline({ version: 'v1' }));
    const run1 = await first.finished();
    expect(run1.jobs.map((j) => [j.jobKey, j.status])).toEqual([
      ['build', 'succeeded'],
      ['deploy', 'succeeded'],
    ]);
    expect(await served('shop')).toEqual(new Set(['v1']));
    const log1 = await first.logOf('deploy');
    expect(log1).toMatch(/deployment \d+: shop v1 to staging/);
    expect(log1).toMatch(/deployment \d+: succeeded/);

    const second = await startRun(pipeline({ version: 'v2' }));
    const run2 = await second.finished();
    expect(run2.status).toBe('succeeded');
    expect(await served('shop')).toEqual(new Set(['v2']));
    const log2 = await second.logOf('deploy');
    expect(log2).toMatch(/deployment \d+: running/);
    expect(log2).toMatch(/setWeight v2=20 v1=80|setWeight v1=80 v2=20/);
    expect(log2).toMatch(/setWeight v2=60 v1=40|setWeight v1=40 v2=60/);
    expect(log2).toMatch(/deployment \d+: succeeded/);

    // An agent retry of the same step (a lost lease, a re-sent request) submits under the same key.
    const deployed = await deploymentOf(second.jobId('deploy'));
    expect(deployed).toMatchObject({ status: 'succeeded', version: 'v2', idempotencyKey: deployStepKey(second.jobId('deploy'), 0) });
    const again = await controller.submit({
      project,
      environment: 'staging',
      service: { name: 'shop', start: 'node server.mjs' },
      version: 'v2',
      source: { runId: second.runId, artifact: 'build' },
      idempotencyKey: deployStepKey(second.jobId('deploy'), 0),
      actor: 'alice',
    });
    expect(again).toMatchObject({ created: false, deployment: { id: deployed.id } });
  });

  it('a re-run attempt of the deploy job follows the deployment it already submitted instead of deploying twice', { timeout: 120_000 }, async () => {
    const text = pipeline({ version: 'v3', deployExtra: '    retry: 1\n' }).replace(
      '          version: v3\n',
      '          version: v3\n      - run: echo after the deploy; exit 1\n',
    );
    const run = await startRun(text);
    const detail = await run.finished();
    expect(detail.jobs.find((j) => j.jobKey === 'deploy')?.status).toBe('failed');
    const log = await run.logOf('deploy');
    expect(log).toMatch(/already submitted by an earlier attempt of this step; following it/);
    const { rows } = await harness.db.query('SELECT id FROM deployments WHERE idempotency_key LIKE $1', [`job:${run.jobId('deploy')}:%`]);
    expect(rows).toHaveLength(1);
    expect(await served('shop')).toEqual(new Set(['v3']));
  });

  it('holds the deploy job at a protected environment until approved, and does not gate the deployment twice', { timeout: 120_000 }, async () => {
    const run = await startRun(pipeline({ version: 'p1', service: 'shop-prod', environment: 'production' }));
    const gate = await waitFor('the deploy job to wait at its gate', async () => {
      const { rows } = await harness.db.query<{ id: number; status: string }>(
        "SELECT g.id, j.status FROM jobs j JOIN approval_requests g ON g.id = j.gate_id WHERE j.id = $1 AND g.status = 'pending'",
        [run.jobId('deploy')],
      );
      return rows[0] ? Number(rows[0].id) : undefined;
    }, 60_000);
    const approved = await fetch(`${url}/api/v1/approvals/${gate}/approve`, {
      method: 'POST',
      headers: people.bob,
      body: JSON.stringify({ comment: 'ship it' }),
    });
    expect(approved.status).toBe(200);
    const detail = await run.finished();
    expect(detail.status).toBe('succeeded');
    expect(await served('shop-prod')).toEqual(new Set(['p1']));
    const { rows } = await harness.db.query<{ id: number }>('SELECT id FROM approval_requests WHERE run_id = $1 OR deployment_ref LIKE $2', [
      run.runId,
      '%shop-prod%',
    ]);
    expect(rows.map((row) => Number(row.id))).toEqual([gate]);
    expect(await deploymentOf(run.jobId('deploy'))).toMatchObject({ status: 'succeeded', gateRequestId: gate });
  });

  it('a release whose start command exits at once fails the deploy step with its stderr tail; traffic stays on the previous version', { timeout: 120_000 }, async () => {
    const run = await startRun(pipeline({ version: 'v4', env: ', EXIT_AT_ONCE: "1", API_TOKEN: not-secret' }));
    const detail = await run.finished();
    expect(detail.jobs.map((j) => [j.jobKey, j.status])).toEqual([
      ['build', 'succeeded'],
      ['deploy', 'failed'],
    ]);
    const failure = detail.jobs.find((j) => j.jobKey === 'deploy')?.failure;
    expect(failure?.message).toMatch(/deploy: deployment \d+ of shop v4 to staging failed/);
    expect(failure?.message).toContain('fatal: missing config (token not-secret)');
    expect(await run.logOf('deploy')).toContain('fatal: missing config (token not-secret)');
    expect(await served('shop')).toEqual(new Set(['v3']));
  });

  it('a canceled run aborts the deployment of its deploy step; traffic goes back to the stable version', { timeout: 120_000 }, async () => {
    const run = await startRun(pipeline({ version: 'v5', canarySteps: '      - setWeight: 50\\n      - pause: {}\\n' }));
    const paused = await waitFor('the canary to pause', async () => {
      const { rows } = await harness.db.query<{ id: number }>("SELECT id FROM deployments WHERE idempotency_key = $1 AND status = 'paused'", [
        deployStepKey(run.jobId('deploy'), 0),
      ]);
      return rows[0] ? Number(rows[0].id) : undefined;
    }, 60_000);
    expect((await fetch(`${url}/api/v1/runs/${run.runId}/cancel`, { method: 'POST', headers: { authorization: people.alice.authorization! } })).status).toBeLessThan(300);
    const detail = await run.finished();
    expect(detail.status).toBe('canceled');
    const ended = await waitFor('the deployment to end', async () => {
      const { deployment } = await controller.describe(paused);
      return ['aborted', 'failed', 'succeeded'].includes(deployment.status) ? deployment : undefined;
    });
    expect(ended.status).toBe('aborted');
    expect(await run.logOf('deploy')).toMatch(/deployment \d+: abort requested/);
    expect(await served('shop')).toEqual(new Set(['v3']));
  });

  it('refuses a deploy step in a job without environment:, before uploading anything', { timeout: 60_000 }, async () => {
    const text = pipeline({ version: 'v9' }).replace('    environment: staging\n', '');
    const run = await startRun(text);
    const detail = await run.finished();
    const failure = detail.jobs.find((j) => j.jobKey === 'deploy')?.failure;
    expect(failure?.message).toMatch(/is in a job without `environment:`/);
  });
});
