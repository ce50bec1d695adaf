import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlannedStep } from '../../pipeline/model.js';
import type { ActionContext } from './action.js';
import { createBuiltInActions } from './built-in-actions.js';
import { createDeployAction } from './deploy.js';
import type { DeployStepClient, DeployStepDeployment, DeployStepRequest } from './deploy-step-client.js';

// The server side is covered end to end (api/agents/deploy-step-end-to-end.test.ts); these pin what
// the action itself decides: refusals before any upload, and what it does while following.
describe('uses: deploy', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'slipway-deploy-action-'));
    await mkdir(join(workspace, 'dist'));
    await writeFile(join(workspace, 'dist', 'server.mjs'), '');
    await writeFile(join(workspace, 'service.yml'), 'service:\n  name: web\n  start: node server.mjs\n');
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  const context = (withInputs: Record<string, string>, signal = new AbortController().signal) => {
    const lines: string[] = [];
    const step: PlannedStep = { index: 2, name: 'ship', uses: 'deploy', with: withInputs, env: {}, retry: 0, continueOnError: false, network: true };
    const ctx: ActionContext = {
      jobId: 'deploy',
      step,
      workspaceDir: workspace,
      env: {},
      signal,
      exec: () => Promise.reject(new Error('no processes here')),
      log: (line) => lines.push(line),
    };
    return { ctx, lines };
  };

  const deployment = (status: string, extra: Partial<DeployStepDeployment> = {}): DeployStepDeployment => ({
    id: 7, environment: 'staging', service: 'web', version: 'v2', status, gateRequestId: 3, stableVersion: 'v1', actions: [], events: [], failure: null, ...extra,
  });

  /** Answers reads from a script of deployment states; the last one repeats. */
  const scripted = (states: DeployStepDeployment[]) => {
    const calls = { submitted: [] as DeployStepRequest[], aborted: [] as string[] };
    let reads = 0;
    const client: DeployStepClient = {
      environment: 'staging',
      submit: async (request) => {
        calls.submitted.push(request);
        return { ok: true, deployment: states[0]!, created: true };
      },
      read: async () => ({ ok: true, deployment: states[Math.min(++reads, states.length - 1)]! }),
      abort: async (_id, reason) => {
        calls.aborted.push(reason);
        return { ok: true, deployment: deployment('running', { abortRequestedBy: 'job' } as Partial<DeployStepDeployment>) };
      },
    };
    return { client, calls };
  };

  it('in a local run (no server) fails saying that deployments need `slipway up`', async () => {
    const { ctx } = context({ service: 'service.yml' });
    const outcome = await createBuiltInActions().resolve('deploy')!.run(ctx);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'user', message: expect.stringMatching(/deployments need a server: start one with `slipway up`/) } });
  });

  it('refuses unknown inputs, a missing service, dir with artifact, a job without environment, and paths outside the workspace', async () => {
    const { client } = scripted([deployment('succeeded')]);
    const run = (inputs: Record<string, string>, c: DeployStepClient = client) => createDeployAction({ client: c }).run(context(inputs).ctx);
    expect(await run({ service: 'service.yml', image: 'x' })).toMatchObject({ failure: { message: expect.stringMatching(/unknown input\(s\) image/) } });
    expect(await run({})).toMatchObject({ failure: { message: expect.stringMatching(/with: service is required/) } });
    expect(await run({ service: 'service.yml', dir: 'dist', artifact: 'build' })).toMatchObject({ failure: { message: expect.stringMatching(/either with: dir .* or with: artifact/) } });
    expect(await run({ service: 'service.yml' }, { ...client, environment: undefined })).toMatchObject({
      failure: { message: expect.stringMatching(/in a job without `environment:`/) },
    });
    expect(await run({ service: '../service.yml' })).toMatchObject({ failure: { message: expect.stringMatching(/outside the workspace/) } });
    expect(await run({ service: 'service.yml', dir: 'nope' })).toMatchObject({ failure: { message: expect.stringMatching(/with: dir "nope" is not a directory/) } });
  });

  it('submits the unwrapped spec and the release dir, logs actions, events and status changes, and fails with the stderr tail', async () => {
    const actions = [
      { timeMs: 1, action: { type: 'startReplicas', version: 'v2', count: 1 } },
      { timeMs: 2, action: { type: 'setWeights', service: 'web', weights: { v1: 80, v2: 20 } } },
      { timeMs: 3, action: { type: 'waitUntil', timeMs: 9, reason: 'pause' } },
    ];
    const events = [{ type: 'analysisCompleted', key: 'a', passed: false, reason: 'error rate 9% > 1%', timeMs: 4 }];
    const failure = { kind: 'user', message: 'analysis a failed', stderrTail: ['boom'] };
    const { client, calls } = scripted([deployment('waiting_approval'), deployment('running', { actions }), deployment('failed', { actions, events, failure })]);
    const { ctx, lines } = context({ service: 'service.yml', dir: 'dist', version: 'v2' });
    const outcome = await createDeployAction({ client, pollMs: 5 }).run(ctx);
    expect(calls.submitted).toEqual([{ stepIndex: 2, service: { name: 'web', start: 'node server.mjs' }, version: 'v2', release: { dir: join(workspace, 'dist') } }]);
    expect(lines).toEqual([
      'deployment 7: web v2 to staging',
      'deployment 7: waiting_approval (approve with `slipway approve 3`)',
      'deployment 7: startReplicas v2 ×1',
      'deployment 7: setWeight v1=80 v2=20',
      'deployment 7: running',
      'deployment 7: analysis a failed: error rate 9% > 1%',
      'deployment 7: failed',
      'deployment 7 of web v2 to staging failed: analysis a failed\nstderr (last lines):\nboom',
    ]);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'user', message: expect.stringContaining('deploy: deployment 7 of web v2 to staging failed') } });
  });

  it('aborts its deployment when the step is canceled', async () => {
    const { client, calls } = scripted([deployment('running')]);
    const abort = new AbortController();
    const { ctx } = context({ service: 'service.yml', artifact: 'build' }, abort.signal);
    const running = createDeployAction({ client, pollMs: 5 }).run(ctx);
    setTimeout(() => abort.abort(), 30);
    expect(await running).toMatchObject({ ok: false, failure: { kind: 'canceled' } });
    expect(calls.submitted[0]?.release).toEqual({ artifact: 'build' });
    expect(calls.aborted).toHaveLength(1);
  });
});
