import { beforeAll, beforeEach, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { claimDueDeliveries, listDeliveries, markAttemptFailed, markDelivered } from './delivery-store.js';
import { recordNewEvents } from './record-events.js';
import { finishedDeployment, finishedRun, insertGate } from './test-support/notification-fixtures.js';
import { deleteWebhook, putWebhook } from './webhook-store.js';

const t0 = Date.parse('2026-11-20T10:00:00Z');
const options = { overlapMs: 60_000, pageSize: 2 };

describeEachStore('notification events and deliveries', (h) => {
  const clock = createManualClock(t0);
  let project: Project;
  let other: Project;

  beforeAll(async () => {
    project = await createTestProject(h.db, 'notify');
    other = await createTestProject(h.db, 'notify-other');
    await putWebhook(h.db, clock, { name: 'all', url: 'http://127.0.0.1:9/all', events: ['run.failed', 'deployment.rolled_back', 'approval.waiting'], projects: [], actor: 'mia' });
    await putWebhook(h.db, clock, { name: 'runs-of-other', url: 'http://127.0.0.1:9/other', events: ['run.failed'], projects: [other.name], actor: 'mia' });
    // Before the first poll: history, never announced.
    await finishedRun(h.db, project, 'main', 'failed', t0 - 5_000);
    await insertGate(h.db, project, 'pending', t0 - 5_000);
  });
  beforeEach(() => clock.advance(10_000));

  const subjects = async () => (await listDeliveries(h.db, { limit: 500 })).map((d) => `${d.webhook} ${d.kind} ${d.subject}`).sort();

  it('the first poll fixes the floor: what happened before notifications were enabled is not announced', async () => {
    expect(await recordNewEvents(h.db, clock, options)).toBe(0);
    expect(await subjects()).toEqual([]);
  });

  it('announces failed default-branch runs, rollbacks and waiting gates once, to the webhooks that want them', async () => {
    const now = clock.now();
    const failed = await finishedRun(h.db, project, 'refs/heads/main', 'failed', now - 1_000);
    await finishedRun(h.db, project, 'refs/heads/feature', 'failed', now - 1_000);
    await finishedRun(h.db, project, 'main', 'succeeded', now - 1_000);
    const otherFailed = await finishedRun(h.db, other, 'main', 'failed', now - 1_000);
    const aborted = await finishedDeployment(h.db, project, 'aborted', now - 900);
    const analysed = await finishedDeployment(h.db, project, 'failed', now - 800, [{ type: 'aborted', reason: 'error rate 0.05 > 0.01', timeMs: now - 850 }]);
    await finishedDeployment(h.db, project, 'failed', now - 800);
    await finishedDeployment(h.db, project, 'succeeded', now - 700);
    const waiting = await insertGate(h.db, project, 'pending', now - 600);
    await insertGate(h.db, project, 'approved', now - 600);

    expect(await recordNewEvents(h.db, clock, options)).toBe(5);
    expect(await subjects()).toEqual([
      `all approval.waiting approval:${waiting}`,
      `all deployment.rolled_back deployment:${aborted}`,
      `all deployment.rolled_back deployment:${analysed}`,
      `all run.failed run:${failed}`,
      `all run.failed run:${otherFailed}`,
      `runs-of-other run.failed run:${otherFailed}`,
    ].sort());
    const { rows } = await h.db.query<{ fields: { reason?: string; failedJobs?: unknown } }>('SELECT fields FROM notification_events ORDER BY id');
    expect(rows.map((r) => r.fields.reason ?? r.fields.failedJobs)).toContainEqual('error rate 0.05 > 0.01');
    expect(rows.map((r) => r.fields.failedJobs)).toContainEqual([{ jobKey: 'test', message: 'step unit exited with 1' }]);

    // A second poll, and a "restarted" detector (it keeps nothing but the store), add nothing.
    clock.advance(1_000);
    expect(await recordNewEvents(h.db, clock, options)).toBe(0);
    expect(await recordNewEvents(h.db, clock, { ...options, pageSize: 500 })).toBe(0);
    expect((await subjects()).length).toBe(6);
  });

  it('re-reads an overlap behind the watermark: a run whose time was taken before a slower commit is not lost', async () => {
    // The runs watermark is the last failed run's finish, t0 + 19 s; the floor is t0 + 10 s.
    const late = await finishedRun(h.db, project, 'main', 'failed', t0 + 16_000);
    const beyondOverlap = await finishedRun(h.db, project, 'main', 'failed', t0 + 12_000);
    expect(await recordNewEvents(h.db, clock, { ...options, overlapMs: 5_000 })).toBe(1);
    const all = await subjects();
    expect(all).toContain(`all run.failed run:${late}`);
    expect(all).not.toContain(`all run.failed run:${beyondOverlap}`);
  });

  it('claims due deliveries once (a lease keeps other workers off), skips busy webhooks, and records outcomes', async () => {
    await deleteWebhook(h.db, 'runs-of-other');
    const first = await claimDueDeliveries(h.db, clock, { limit: 100, leaseMs: 5_000, busyWebhookIds: [] });
    expect(first.length).toBeGreaterThanOrEqual(5);
    expect(new Set(first.map((d) => d.url))).toEqual(new Set(['http://127.0.0.1:9/all']));
    expect(first.find((d) => d.event.kind === 'run.failed')?.event.fields).toMatchObject({ project: expect.any(String), ref: expect.any(String) });
    expect(await claimDueDeliveries(h.db, clock, { limit: 100, leaseMs: 5_000, busyWebhookIds: [] })).toEqual([]);

    const [delivered, retried, dead] = first;
    await markDelivered(h.db, clock, delivered!.id, 200);
    await markAttemptFailed(h.db, clock, retried!.id, { error: 'HTTP 500', statusCode: 500, retryAtMs: clock.now() + 1_000 });
    await markAttemptFailed(h.db, clock, dead!.id, { error: 'HTTP 404', statusCode: 404, retryAtMs: undefined });
    const shown = new Map((await listDeliveries(h.db)).map((d) => [d.id, d]));
    expect(shown.get(delivered!.id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, deliveredAt: expect.any(Date), nextAttemptAt: null });
    expect(shown.get(retried!.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptAt: new Date(clock.now() + 1_000) });
    expect(shown.get(dead!.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 404', deliveredAt: null });

    clock.advance(6_000);
    const webhookId = first[0]!.webhookId;
    expect(await claimDueDeliveries(h.db, clock, { limit: 100, leaseMs: 5_000, busyWebhookIds: [webhookId] })).toEqual([]);
    const again = await claimDueDeliveries(h.db, clock, { limit: 100, leaseMs: 5_000, busyWebhookIds: [] });
    expect(again.map((d) => d.id).sort()).toEqual(first.slice(1).filter((d) => d.id !== dead!.id).map((d) => d.id).sort());
    expect(again.find((d) => d.id === retried!.id)?.attempts).toBe(1);
  });
});
