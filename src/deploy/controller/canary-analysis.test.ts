/**
 * A canary's `analysis` step judged by the canary engine, end to end in one process: router telemetry
 * → `telemetry.raw` (memory bus) → engine → stored decision → the deployment loop. A healthy canary is
 * promoted by the engine's PROMOTE; one whose requests fail is rolled back by its ROLLBACK.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../../blobs/index.js';
import { type Bus, createMemoryBus } from '../../bus/index.js';
import { type CanaryService, listDecisions, parsePolicy, startCanaryService } from '../../canary/index.js';
import { systemClock } from '../../clock/clock.js';
import { ensureProject } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { putEnvironment } from '../environments/index.js';
import type { DeployController } from './deploy-controller.js';
import type { Deployment, DeploymentStatus } from './deployment.js';
import { waitForDeploymentStatus } from './test-support/watch-deployment.js';
import { fixtureServiceSpec, writeFixtureRelease } from './test-support/deploy-fixture.js';
import { startTrafficLoop } from './test-support/traffic-loop.js';
import { fastPolicyYaml } from '../../canary/test-support/fast-policy.js';
import { createTestDeployController } from './test-support/test-controller.js';

const project = 'acme/canary';
const env = 'prod';
/** Decides within seconds: 2 s windows, and 2 s of passing windows promote a step. */
const policyYaml = fastPolicyYaml({ name: 'fast' });
const analyzed = { canary: { steps: [{ setWeight: 50 }, { analysis: { timeoutSeconds: 60 } }, { setWeight: 100 }] } };

describePglite('deploy controller: canary analysis by the canary engine', (harness) => {
  let tmp: string;
  let releaseDir: string;
  let bus: Bus;
  let canary: CanaryService;
  let controller: DeployController;

  const submit = async (version: string, strategy: unknown, extraEnv: Record<string, string> = {}) =>
    (
      await controller.submit({
        project,
        environment: env,
        service: fixtureServiceSpec('shop', version, { env: extraEnv }),
        strategy,
        version,
        source: { dir: releaseDir },
        actor: 'alice',
      })
    ).deployment;
  const waitForStatus = (id: number, statuses: DeploymentStatus[], timeoutMs = 60_000): Promise<Deployment> =>
    waitForDeploymentStatus(controller, id, statuses, timeoutMs);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slipway-canary-analysis-'));
    releaseDir = await writeFixtureRelease(join(tmp, 'src'));
    const proj = await ensureProject(harness.db, { name: project });
    await putEnvironment(harness.db, systemClock, { projectId: proj.id, name: env, rules: {}, actor: 'mia' });
    const policy = parsePolicy(policyYaml, 'test');
    if (!policy.ok) throw new Error(`test policy: ${policy.diagnostics[0]?.message}`);
    bus = createMemoryBus({});
    canary = await startCanaryService({ db: harness.db, bus, clock: systemClock, logger: pino({ level: 'silent' }), grpcPort: 0, policy: policy.policy });
    controller = createTestDeployController(tmp, {
      db: harness.db,
      blobs: createFsBlobStore({ root: join(tmp, 'blobs') }),
      bus,
      canary: canary.deployLink,
    });
    await controller.start();
    const first = await submit('v1', { recreate: {} });
    expect((await waitForStatus(first.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  });
  afterAll(async () => {
    await controller?.close();
    await canary?.close();
    await bus?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('a healthy canary is promoted by the engine: the analysis step passes on its PROMOTE', async () => {
    const started = Date.now();
    const traffic = startTrafficLoop(controller.routerUrl, 'shop');
    const d = await submit('v2', analyzed);
    const done = await waitForStatus(d.id, ['succeeded', 'failed']);
    await traffic.stop();
    expect(done.failure).toBeNull();
    expect(done.status).toBe('succeeded');
    const analysis = done.events.find((e) => e.type === 'analysisCompleted');
    expect(analysis).toMatchObject({ passed: true, reason: expect.stringMatching(/^canary engine decision \d+ PROMOTE: every rule passed/) });
    const decisions = await listDecisions(harness.db, { rolloutId: `deployment-${d.id}` });
    expect(decisions.filter((x) => x.action === 'PROMOTE').map((x) => x.step)).toContain(2);
    expect(decisions.some((x) => x.action === 'ROLLBACK')).toBe(false);
    expect(canary.engine.readRollout(`deployment-${d.id}`)?.state).toBe('completed');
    // The rollout belongs to the deployment's project: its team sees it (canary-team-scope.test.ts).
    const { rows } = await harness.db.query<{ project_id: string | number }>('SELECT project_id FROM canary_rollouts WHERE id = $1', [`deployment-${d.id}`]);
    expect(Number(rows[0]?.project_id)).toBe(d.projectId);
    console.info(`canary v1→v2 promoted by the engine: ${Date.now() - started} ms`);
  });

  it('a canary answering 500s is rolled back by the engine: weight 0 at once, deployment failed with the decision', async () => {
    const started = Date.now();
    const traffic = startTrafficLoop(controller.routerUrl, 'shop');
    const d = await submit('v3', analyzed, { FAIL_REQUESTS: '1' });
    const done = await waitForStatus(d.id, ['succeeded', 'failed', 'aborted']);
    const records = await traffic.stop();
    expect(done.status).toBe('failed');
    expect(done.failure?.message).toMatch(/canary engine decision \d+ ROLLBACK.*error-rate/);
    const rollback = (await listDecisions(harness.db, { rolloutId: `deployment-${d.id}` })).filter((x) => x.action === 'ROLLBACK');
    expect(rollback).toHaveLength(1);
    // Traffic went back to stable before anything else was done to the canary.
    const afterRollback = done.actions.filter((a) => a.timeMs >= rollback[0]!.createdAtMs);
    expect(afterRollback.find((a) => a.action.type === 'setWeights')?.action).toEqual({ type: 'setWeights', service: 'shop', weights: { v2: 100, v3: 0 } });
    expect((await controller.describe(d.id)).weights).toMatchObject({ v2: 100 });
    const lastCanary = Math.max(...records.filter((r) => r.version === 'v3').map((r) => r.doneAtMs));
    console.info(`canary v3 (500s) rolled back: ${Date.now() - started} ms; last v3 response ${lastCanary - rollback[0]!.createdAtMs} ms after the ROLLBACK was stored`);
    expect(lastCanary - rollback[0]!.createdAtMs).toBeLessThan(1_000);
  });
});
