import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../../blobs/index.js';
import { systemClock } from '../../clock/clock.js';
import { ensureProject, type Project } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { putEnvironment } from '../environments/index.js';
import { createTestClient } from '../router/test-support/start-test-backends.js';
import { createDeployController, type DeployController } from './deploy-controller.js';
import type { Deployment, DeploymentStatus } from './deployment.js';
import { fixtureServiceSpec, writeFixtureRelease } from './test-support/deploy-fixture.js';
import { failuresOf, startTrafficLoop } from './test-support/traffic-loop.js';
import { readVersionsServed, waitForDeploymentStatus } from './test-support/watch-deployment.js';

const project = 'acme/shop';
const env = 'staging';
const actor = 'alice';
const canaryPause = { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } };

describePglite('deploy controller end to end (local target, built-in router)', (harness) => {
  let tmp: string;
  let releaseDir: string;
  let controller: DeployController;
  let proj: Project;

  const submit = async (version: string, strategy: unknown, extra: { env?: Record<string, string>; idempotencyKey?: string } = {}) =>
    (
      await controller.submit({
        project,
        environment: env,
        service: fixtureServiceSpec('web', version, extra.env ? { env: extra.env } : {}),
        strategy,
        version,
        source: { dir: releaseDir },
        actor,
        ...(extra.idempotencyKey ? { idempotencyKey: extra.idempotencyKey } : {}),
      })
    ).deployment;
  const waitForStatus = (id: number, statuses: DeploymentStatus[], timeoutMs?: number): Promise<Deployment> =>
    waitForDeploymentStatus(controller, id, statuses, timeoutMs);
  const versionsServed = (count?: number) => readVersionsServed(controller, 'web', count);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slipway-deploy-'));
    releaseDir = await writeFixtureRelease(join(tmp, 'src'));
    proj = await ensureProject(harness.db, { name: project });
    await putEnvironment(harness.db, systemClock, { projectId: proj.id, name: env, rules: {}, actor: 'mia' });
    await putEnvironment(harness.db, systemClock, { projectId: proj.id, name: 'qa', rules: {}, actor: 'mia' });
    controller = createDeployController({
      db: harness.db,
      blobs: createFsBlobStore({ root: join(tmp, 'blobs') }),
      dataDir: join(tmp, 'data'),
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      pollMs: 100,
      drainMs: 100,
    });
    await controller.start();
  });
  afterAll(async () => {
    await controller?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('recreate: deploys v1 as the first release, materialized read-only, and the router serves it', async () => {
    const started = Date.now();
    const d = await submit('v1', { recreate: {} });
    const done = await waitForStatus(d.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'succeeded', version: 'v1', stableVersion: null, failure: null });
    expect(done.actions.map((a) => a.action.type)).toEqual(['startReplicas', 'setWeights', 'markSucceeded']);
    expect(await versionsServed()).toEqual(new Set(['v1']));
    const view = await controller.describe(d.id);
    expect(view.replicas.map((r) => [r.version, r.state])).toEqual([['v1', 'ready'], ['v1', 'ready']]);
    expect(view.weights).toEqual({ v1: 100 });
    const file = await stat(join(tmp, 'data', 'releases', 'web', 'v1', 'server.mjs'));
    expect(file.mode & 0o222).toBe(0);
    console.info(`recreate v1: ${Date.now() - started} ms`);
  });

  it('canary: 50% then paused until promote, with zero failed requests while traffic switches', async () => {
    const started = Date.now();
    const traffic = startTrafficLoop(controller.routerUrl, 'web');
    const d = await submit('v2', canaryPause);
    const paused = await waitForStatus(d.id, ['paused', 'failed']);
    expect(paused.status).toBe('paused');
    expect((await controller.describe(d.id)).traffic).toEqual({ v1: 50, v2: 50 });
    expect(await versionsServed()).toEqual(new Set(['v1', 'v2']));
    await controller.promote(d.id, { full: false, actor: 'bob' });
    const done = await waitForStatus(d.id, ['succeeded', 'failed']);
    const records = await traffic.stop();
    expect(done).toMatchObject({ status: 'succeeded', stableVersion: 'v1' });
    expect(done.events.map((e) => e.type)).toEqual(['weightsSet', 'promoted', 'weightsSet']);
    expect(failuresOf(records)).toEqual([]);
    expect(records.length).toBeGreaterThan(20);
    expect(await versionsServed()).toEqual(new Set(['v2']));
    expect((await controller.describe(d.id)).replicas.map((r) => r.version)).toEqual(['v2', 'v2']);
    console.info(`canary v1→v2 with promote: ${Date.now() - started} ms, ${records.length} requests, 0 failed`);
  });

  it('abort: all traffic back to stable at once (< 1 s as a client sees it), then the canary is stopped', async () => {
    const d = await submit('v3', canaryPause);
    await waitForStatus(d.id, ['paused']);
    const client = createTestClient(controller.routerUrl, 'web');
    try {
      const before = new Set<string | undefined>();
      for (let i = 0; i < 10; i += 1) before.add((await client.get()).version);
      expect(before).toEqual(new Set(['v2', 'v3']));
      const abortedAt = Date.now();
      const aborting = controller.abort(d.id, { actor: 'bob', reason: 'looks wrong' });
      let lastCanaryDoneAt = abortedAt;
      let stableRun = 0;
      while (stableRun < 30 && Date.now() - abortedAt < 5_000) {
        const res = await client.get();
        expect(res.status).toBe(200);
        if (res.version === 'v3') {
          lastCanaryDoneAt = Date.now();
          stableRun = 0;
        } else {
          stableRun += 1;
        }
      }
      await aborting;
      const abortToStableMs = lastCanaryDoneAt - abortedAt;
      const { deployment } = await controller.describe(d.id);
      const switched = deployment.actions.find((a) => a.timeMs >= abortedAt && a.action.type === 'setWeights');
      console.info(`abort → 100% stable: last canary response ${abortToStableMs} ms after abort; weights switched ${switched ? switched.timeMs - abortedAt : '?'} ms after abort`);
      expect(switched?.action).toEqual({ type: 'setWeights', service: 'web', weights: { v2: 100, v3: 0 } });
      expect(stableRun).toBe(30);
      expect(abortToStableMs).toBeLessThan(1_000);
    } finally {
      client.close();
    }
    const done = await waitForStatus(d.id, ['aborted', 'failed', 'succeeded']);
    expect(done.status).toBe('aborted');
    expect(done.failure).toMatchObject({ kind: 'canceled', message: expect.stringContaining('aborted by bob: looks wrong') });
    expect((await controller.describe(d.id)).replicas.map((r) => r.version)).toEqual(['v2', 'v2']);
  });

  it('rollback: returns the environment to the previous healthy release without failed requests', async () => {
    const started = Date.now();
    const traffic = startTrafficLoop(controller.routerUrl, 'web');
    const result = await controller.rollback({ project, environment: env, actor: 'bob' });
    expect(result).toMatchObject({ action: 'deploying', deployment: { kind: 'rollback', version: 'v1' } });
    const done = await waitForStatus(result.deployment.id, ['succeeded', 'failed']);
    const records = await traffic.stop();
    expect(done).toMatchObject({ status: 'succeeded', stableVersion: 'v2', strategy: { type: 'canary', steps: [] } });
    expect(failuresOf(records)).toEqual([]);
    expect(await versionsServed()).toEqual(new Set(['v1']));
    console.info(`rollback v2→v1: ${Date.now() - started} ms, ${records.length} requests, 0 failed`);
  });

  it('a start command that exits at once fails the deployment with its stderr tail; traffic stays on stable', async () => {
    const traffic = startTrafficLoop(controller.routerUrl, 'web');
    const d = await submit('v4', canaryPause, { env: { EXIT_AT_ONCE: '1', API_TOKEN: 'not-secret' } });
    const done = await waitForStatus(d.id, ['failed', 'succeeded', 'paused']);
    const records = await traffic.stop();
    expect(done.status).toBe('failed');
    expect(done.failure?.message).toMatch(/failed before it was ever ready.*exited with code 1/s);
    expect(done.failure?.stderrTail).toContain('fatal: missing config (token not-secret)');
    expect(failuresOf(records)).toEqual([]);
    expect(new Set(records.map((r) => r.version))).toEqual(new Set(['v1']));
    expect((await controller.describe(d.id)).weights).toMatchObject({ v1: 100 });
  });

  it('a port already in use fails the deployment with a clear message', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const { deployment } = await controller.submit({
        project,
        environment: 'qa',
        service: fixtureServiceSpec('busy', 'b1', { replicas: 1, port }),
        strategy: { recreate: {} },
        version: 'b1',
        source: { dir: releaseDir },
        actor,
      });
      const done = await waitForStatus(deployment.id, ['failed', 'succeeded']);
      expect(done.failure?.message).toContain(`port already in use: 127.0.0.1:${port}`);
    } finally {
      busy.close();
    }
  });

  it('one deployment per environment: the second waits for the lock; resubmitting with its idempotency key is a no-op', async () => {
    const holder = await submit('v5', canaryPause);
    await waitForStatus(holder.id, ['paused']);
    const queued = await submit('v2', { rolling: {} }, { idempotencyKey: 'ship-v2-again' });
    await waitForStatus(queued.id, ['waiting_lock']);
    const again = await controller.submit({
      project,
      environment: env,
      service: fixtureServiceSpec('web', 'v2'),
      version: 'v2',
      source: { dir: releaseDir },
      actor,
      idempotencyKey: 'ship-v2-again',
    });
    expect(again).toMatchObject({ created: false, deployment: { id: queued.id } });
    // The queued one keeps waiting while the holder is paused.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await controller.describe(queued.id)).deployment.status).toBe('waiting_lock');
    const traffic = startTrafficLoop(controller.routerUrl, 'web');
    await controller.abort(holder.id, { actor: 'bob' });
    expect((await waitForStatus(holder.id, ['aborted', 'failed'])).status).toBe('aborted');
    const done = await waitForStatus(queued.id, ['succeeded', 'failed']);
    const records = await traffic.stop();
    expect(done).toMatchObject({ status: 'succeeded', stableVersion: 'v1', strategy: { type: 'rolling' } });
    // Abort of the canary, then a rolling update v1 → v2 of 2 replicas: not one failed request.
    expect(failuresOf(records)).toEqual([]);
    const seen = new Set(records.map((r) => r.version));
    expect([...seen].every((version) => version === 'v1' || version === 'v2' || version === 'v5')).toBe(true);
    expect(seen).toContain('v2');
    expect(await versionsServed()).toEqual(new Set(['v2']));
    console.info(`abort v5 + rolling v1→v2: ${records.length} requests, 0 failed`);
  });

  it('a failed analysis step rolls back automatically: traffic back to stable, deployment failed with the reason', async () => {
    const d = await submit('v6', { canary: { steps: [{ setWeight: 50 }, { analysis: { minRequests: 1_000, windowSeconds: 2 } }, { setWeight: 100 }] } });
    const done = await waitForStatus(d.id, ['failed', 'succeeded']);
    expect(done.status).toBe('failed');
    expect(done.failure?.message).toMatch(/step 2\/3: analysis failed: 0\/0 requests to v6 failed in the last 2 s: fewer than minRequests \(1000\)/);
    expect(done.events.map((e) => e.type)).toEqual(['weightsSet', 'analysisCompleted', 'weightsSet', 'aborted']);
    expect(await versionsServed()).toEqual(new Set(['v2']));
  });

  it('blue-green with a preview service: green is previewed, then takes all traffic without failed requests', async () => {
    const traffic = startTrafficLoop(controller.routerUrl, 'web');
    const d = await submit('v7', { blueGreen: { scaleDownDelaySeconds: 0, previewService: 'web-preview' } });
    const done = await waitForStatus(d.id, ['succeeded', 'failed']);
    const records = await traffic.stop();
    expect(done.status).toBe('succeeded');
    // One preview switch, one switch of the service: the planner saw its preview weights applied.
    const switches = done.events.filter((e) => e.type === 'weightsSet').map((e) => (e.type === 'weightsSet' ? e.service : ''));
    expect(switches).toEqual(['web-preview', 'web']);
    expect(failuresOf(records)).toEqual([]);
    expect(await versionsServed()).toEqual(new Set(['v7']));
  });
});
