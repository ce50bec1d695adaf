import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../blobs/index.js';
import { systemClock } from '../clock/clock.js';
import type { DeployController } from '../deploy/controller/index.js';
import { fixtureServiceSpec, writeFixtureRelease } from '../deploy/controller/test-support/deploy-fixture.js';
import { createTestDeployController } from '../deploy/controller/test-support/test-controller.js';
import { waitForDeploymentStatus } from '../deploy/controller/test-support/watch-deployment.js';
import { putEnvironment } from '../deploy/environments/index.js';
import { ensureProject } from '../store/index.js';
import { waitFor } from '../api/test-support/wait-for.js';
import { describePglite } from '../test-support/test-store.js';
import { createNotifier, type Notifier } from './create-notifier.js';
import { refusedUrl, startWebhookEndpoint, type WebhookEndpoint } from './test-support/webhook-endpoints.js';
import { putWebhook } from './webhook-store.js';

const project = 'acme/notify-rollback';
const env = 'production';
const canaryPause = { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } };
const requestTimeoutMs = 8_000;

describePglite('rollbacks are announced, and slow endpoints never slow them (local target, built-in router)', (harness) => {
  let tmp: string;
  let releaseDir: string;
  let controller: DeployController;
  let notifier: Notifier;
  let live: WebhookEndpoint;
  let hanging: WebhookEndpoint;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slipway-notify-rollback-'));
    releaseDir = await writeFixtureRelease(join(tmp, 'src'));
    const proj = await ensureProject(harness.db, { name: project });
    await putEnvironment(harness.db, systemClock, { projectId: proj.id, name: env, rules: {}, actor: 'mia' });
    live = await startWebhookEndpoint();
    hanging = await startWebhookEndpoint({ hang: true });
    const events = ['deployment.rolled_back' as const];
    await putWebhook(harness.db, systemClock, { name: 'live', url: live.url, events, projects: [], actor: 'mia' });
    await putWebhook(harness.db, systemClock, { name: 'hanging', url: hanging.url, events, projects: [], actor: 'mia' });
    await putWebhook(harness.db, systemClock, { name: 'dead', url: await refusedUrl(), events, projects: [], actor: 'mia' });
    controller = createTestDeployController(tmp, { db: harness.db, blobs: createFsBlobStore({ root: join(tmp, 'blobs') }) });
    await controller.start();
    notifier = createNotifier({
      db: harness.db,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      baseUrl: 'http://ci.example:8080',
      pollIntervalMs: 100,
      requestTimeoutMs,
      backoff: { baseMs: 100, maxMs: 400 },
    });
    await notifier.start();
  });
  afterAll(async () => {
    await notifier?.stop();
    await controller?.close();
    await live?.close();
    await hanging?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const deploy = async (version: string, strategy: unknown) =>
    (await controller.submit({ project, environment: env, service: fixtureServiceSpec('web', version), strategy, version, source: { dir: releaseDir }, actor: 'ana' })).deployment;
  /** Rolls back the paused canary of `version`; resolves when it is aborted, with how long that took. */
  const rollBack = async (version: string) => {
    const canary = await deploy(version, canaryPause);
    await waitForDeploymentStatus(controller, canary.id, ['paused']);
    const startedAt = Date.now();
    const result = await controller.rollback({ project, environment: env, actor: 'bob' });
    expect(result.action).toBe('aborted');
    const done = await waitForDeploymentStatus(controller, canary.id, ['aborted', 'failed', 'succeeded']);
    expect(done.status).toBe('aborted');
    return { id: canary.id, doneAtMs: Date.now(), rollbackMs: Date.now() - startedAt };
  };
  const postsFor = (endpoint: WebhookEndpoint, deploymentId: number) => endpoint.received.filter((post) => post.body.event['deploymentId'] === deploymentId);

  it('each rollback reaches the live endpoint once, while the hanging endpoint holds a request open', async () => {
    expect((await waitForDeploymentStatus(controller, (await deploy('v1', { recreate: {} })).id, ['succeeded', 'failed'])).status).toBe('succeeded');

    const first = await rollBack('v2');
    const hangingSince = (await waitFor('the hanging endpoint to receive the first rollback', async () => hanging.received[0])).atMs;
    const firstPost = await waitFor('the live endpoint to receive the first rollback', async () => postsFor(live, first.id)[0]);
    expect(firstPost.body.text).toBe(`:rewind: ${project} ${env}: web rolled back to v1 (<http://ci.example:8080/deployments/${first.id}|deployment ${first.id}>)`);
    expect(firstPost.body.event).toMatchObject({ kind: 'deployment.rolled_back', deploymentId: first.id, version: 'v2', stableVersion: 'v1', status: 'aborted', abortRequestedBy: 'bob' });

    const second = await rollBack('v3');
    const secondPost = await waitFor('the live endpoint to receive the second rollback', async () => postsFor(live, second.id)[0]);
    console.info(`rollbacks took ${first.rollbackMs} ms and ${second.rollbackMs} ms; the second was announced ${secondPost.atMs - second.doneAtMs} ms after, hanging POST open for ${secondPost.atMs - hangingSince} ms`);
    expect(secondPost.atMs).toBeLessThan(hangingSince + requestTimeoutMs);
    expect(second.rollbackMs).toBeLessThan(requestTimeoutMs);
    expect(postsFor(live, first.id)).toHaveLength(1);
    expect(postsFor(live, second.id)).toHaveLength(1);
    expect(live.received).toHaveLength(2);
  });
});
