import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../api/test-support/wait-for.js';
import { systemClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { createNotifier, envWebhookName, type Notifier } from './create-notifier.js';
import type { NotifierOptions } from './notifier-options.js';
import { finishedRun } from './test-support/notification-fixtures.js';
import { startWebhookEndpoint, type WebhookEndpoint } from './test-support/webhook-endpoints.js';
import { deleteWebhook, getWebhook, putWebhook } from './webhook-store.js';

describeEachStore('createNotifier', (h) => {
  let project: Project;
  let live: WebhookEndpoint;
  const running: Notifier[] = [];

  beforeAll(async () => {
    project = await createTestProject(h.db, 'notifier');
    live = await startWebhookEndpoint();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((n) => n.stop()));
  });
  afterAll(async () => {
    await live?.close();
  });

  const start = async (options: Partial<NotifierOptions> = {}) => {
    const notifier = createNotifier({ db: h.db, clock: systemClock, logger: pino({ level: 'silent' }), baseUrl: 'http://ci.example', pollIntervalMs: 50, ...options });
    running.push(notifier);
    await notifier.start();
    return notifier;
  };
  const postsOf = (runId: number) => live.received.filter((post) => post.body.event['runId'] === runId);

  it('SLIPWAY_NOTIFY_WEBHOOK_URL becomes webhook env-default (every event, every project), removed once unset', async () => {
    await start({ defaultWebhookUrl: live.url });
    expect(await getWebhook(h.db, envWebhookName)).toMatchObject({ url: live.url, source: 'env', projects: [], events: ['run.failed', 'deployment.rolled_back', 'approval.waiting'] });
    const runId = await finishedRun(h.db, project, 'main', 'failed', Date.now());
    await waitFor('the env webhook to get the run', async () => postsOf(runId)[0]);
    await Promise.all(running.splice(0).map((n) => n.stop()));

    await start();
    expect(await getWebhook(h.db, envWebhookName)).toBeUndefined();
  });

  it('two notifiers on one store (two server replicas) announce each event exactly once', async () => {
    await putWebhook(h.db, systemClock, { name: 'replicas', url: live.url, events: ['run.failed'], projects: [project.name], actor: 'mia' });
    await Promise.all([start(), start()]);
    const runIds: number[] = [];
    for (let i = 0; i < 12; i += 1) runIds.push(await finishedRun(h.db, project, 'refs/heads/main', 'failed', Date.now()));
    await waitFor('every run to be announced', async () => (runIds.every((id) => postsOf(id).length > 0) ? true : undefined));
    // A few more polls of both: nothing is announced twice.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runIds.map((id) => postsOf(id).length)).toEqual(runIds.map(() => 1));
    await deleteWebhook(h.db, 'replicas');
  });
});
