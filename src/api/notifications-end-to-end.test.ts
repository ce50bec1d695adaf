import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { createNotifier, type Notifier, type NotifierOptions } from '../notify/index.js';
import { refusedUrl, startWebhookEndpoint, type WebhookEndpoint } from '../notify/test-support/webhook-endpoints.js';
import { describePglite } from '../test-support/test-store.js';
import { createTestUser } from './test-support/sign-in-as-admin.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';
import { waitFor } from './test-support/wait-for.js';

const failingPipeline = ['name: ci', 'stages:', '  - name: test', '    steps:', '      - { name: unit, run: "echo broken; exit 3" }', ''].join('\n');
const approvalPipeline = ['name: release', 'stages:', '  - name: release', '    steps:', '      - approval: { approvers: 1 }', '      - { name: ship, run: "true" }', ''].join('\n');

interface ApiDelivery {
  webhook: string;
  subject: string;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: string | null;
}

describePglite('notifications to webhooks end to end (real HTTP endpoints, a real agent)', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let workDir: string;
  let notifier: Notifier | undefined;
  const endpoints: WebhookEndpoint[] = [];
  let live: WebhookEndpoint;
  let flaky: WebhookEndpoint;
  let hanging: WebhookEndpoint;
  let dead: string;
  const project = `notify-e2e-${Date.now().toString(36)}`;

  const startNotifier = async (options: Partial<NotifierOptions>) => {
    notifier = createNotifier({
      db: harness.db,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      baseUrl: url,
      pollIntervalMs: 100,
      backoff: { baseMs: 100, maxMs: 400 },
      ...options,
    });
    await notifier.start();
  };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-notify-'));
    platform = await startTestPlatform(harness.db, {
      agent: { name: 'notify-test', capacity: 2, workDir },
      notifications: { db: harness.db, clock: systemClock, readBreaker: (id) => notifier?.readBreaker(id) },
    });
    url = platform.url;
    live = await startWebhookEndpoint();
    flaky = await startWebhookEndpoint({ statuses: [500, 503] });
    hanging = await startWebhookEndpoint({ hang: true });
    endpoints.push(live, flaky, hanging);
    dead = await refusedUrl();
  });
  afterAll(async () => {
    await notifier?.stop();
    await platform?.stop();
    for (const endpoint of endpoints) await endpoint.close();
    await rm(workDir, { recursive: true, force: true });
  });

  /** mia is an administrator (notification webhooks are theirs to change); dan a developer. */
  const tokens: Record<string, string> = {};
  const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
  const put = async (name: string, body: unknown, headers: Record<string, string> | undefined = undefined) => {
    tokens['mia'] ??= await createTestUser(harness.db, 'mia', 'maintainer', undefined, { admin: true });
    tokens['dan'] ??= await createTestUser(harness.db, 'dan', 'developer');
    return fetch(`${url}/api/v1/notifications/webhooks/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(headers ?? bearer('mia')) },
      body: JSON.stringify(body),
    });
  };
  const startRun = async (pipeline: string, ref = 'main') => {
    const posted = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project, ref, pipeline }),
    });
    if (posted.status !== 201) throw new Error(await posted.text());
    return ((await posted.json()) as { runId: number }).runId;
  };
  const finished = (runId: number) =>
    waitFor(`run ${runId} to finish`, async () => {
      const run = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as { status: string };
      return ['succeeded', 'failed', 'canceled'].includes(run.status) ? { status: run.status, atMs: Date.now() } : undefined;
    });
  const deliveries = async (webhook: string) =>
    ((await (await fetch(`${url}/api/v1/notifications/deliveries?webhook=${webhook}`)).json()) as { deliveries: ApiDelivery[] }).deliveries;
  const postsFor = (endpoint: WebhookEndpoint, subjectId: number, kind = 'run.failed') =>
    endpoint.received.filter((post) => post.body.event.kind === kind && (post.body.event['runId'] === subjectId || post.body.event['approvalId'] === subjectId));

  it('refuses bad configuration with a 400 in the API error shape, and maintainers only', async () => {
    const badUrl = await put('ops', { url: 'ftp://example.com/hook' });
    expect(badUrl.status).toBe(400);
    const badUrlBody = (await badUrl.json()) as { error: { code: string; message: string; details: { issues: { path: string; message: string }[] } } };
    expect(badUrlBody.error).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('url: expected an http:// or https:// URL') });
    expect(badUrlBody.error.details.issues).toEqual([{ path: 'url', message: expect.stringContaining('http://') }]);

    const badEvent = await put('ops', { url: live.url, events: ['run.failed', 'run.exploded'] });
    expect(badEvent.status).toBe(400);
    expect(((await badEvent.json()) as { error: { details: unknown } }).error.details).toEqual({
      issues: [{ path: 'events.1', message: 'expected one of run.failed, deployment.rolled_back, approval.waiting' }],
    });

    expect((await put('ops', { url: live.url }, { authorization: '' })).status).toBe(401);
    expect((await put('ops', { url: live.url }, bearer('dan'))).status).toBe(403);
    expect((await put('env-default', { url: live.url })).status).toBe(412);
    const list = (await (await fetch(`${url}/api/v1/notifications/webhooks`)).json()) as { webhooks: unknown[] };
    expect(list.webhooks).toEqual([]);
  });

  it('creates, replaces and deletes webhooks, audited, with URLs masked', async () => {
    const created = await put('scratch', { url: live.url, events: ['run.failed'] });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { webhook: unknown }).webhook).toMatchObject({
      name: 'scratch', url: live.url.replace(/\/hooks\/.*$/, '/***'), events: ['run.failed'], projects: [], source: 'api', createdBy: 'mia', breaker: null,
    });
    expect((await put('scratch', { url: flaky.url })).status).toBe(200);
    const deleted = await fetch(`${url}/api/v1/notifications/webhooks/scratch`, { method: 'DELETE', headers: bearer('mia') });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${url}/api/v1/notifications/webhooks/scratch`)).status).toBe(404);
    const audit = (await (await fetch(`${url}/api/v1/audit?actor=mia`)).json()) as { entries: { action: string; subject: { id: string }; after: unknown }[] };
    expect(audit.entries.map((e) => `${e.action} ${e.subject.id}`)).toEqual([
      'notification_webhook.put scratch',
      'notification_webhook.put scratch',
      'notification_webhook.delete scratch',
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain('secret');
  });

  it('delivers one notification per failed default-branch run; a hanging and a dead endpoint delay neither the run nor the others', async () => {
    for (const [name, endpoint] of [['live', live.url], ['flaky', flaky.url], ['hanging', hanging.url], ['dead', dead]] as const) {
      expect((await put(name, { url: endpoint, events: ['run.failed', 'approval.waiting'], projects: [project] })).status).toBe(201);
    }
    // A long request timeout: while the hanging endpoint holds its first request, everything else must go on.
    const requestTimeoutMs = 8_000;
    await startNotifier({ requestTimeoutMs, breaker: { failureThreshold: 3, coolDownMs: 60_000 } });

    const first = await startRun(failingPipeline);
    expect((await finished(first)).status).toBe('failed');
    const hangingSince = (await waitFor('the hanging endpoint to receive the first run', async () => hanging.received[0])).atMs;
    await waitFor('the live endpoint to receive the first run', async () => postsFor(live, first)[0]);

    // With the hanging POST still open, a second run completes and is announced at once.
    const triggeredAt = Date.now();
    const second = await startRun(failingPipeline);
    const secondDone = await finished(second);
    const secondPost = await waitFor('the live endpoint to receive the second run', async () => postsFor(live, second)[0]);
    const runMs = secondDone.atMs - triggeredAt;
    console.info(`second run: finished ${runMs} ms after its trigger, announced ${secondPost.atMs - secondDone.atMs} ms after; hanging POST open for ${secondPost.atMs - hangingSince} ms`);
    expect(secondPost.atMs).toBeLessThan(hangingSince + requestTimeoutMs);
    expect(runMs).toBeLessThan(requestTimeoutMs);

    // The flaky endpoint answered 500, 503, then 200: delivered on the third attempt, with backoff.
    await waitFor('the flaky endpoint to get both runs', async () => (postsFor(flaky, first).length === 3 && postsFor(flaky, second).length === 1 ? true : undefined));
    const flakyFirst = (await deliveries('flaky')).find((d) => d.subject === `run:${first}`);
    expect(flakyFirst).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, deliveredAt: expect.any(String) });

    // The dead endpoint trips its breaker after three refused attempts; deliveries wait, not spin.
    const deadView = await waitFor('the dead endpoint breaker to open', async () => {
      const view = (await (await fetch(`${url}/api/v1/notifications/webhooks/dead`)).json()) as { webhook: { breaker: { state: string } | null }; deliveries: ApiDelivery[] };
      return view.webhook.breaker?.state === 'open' ? view : undefined;
    });
    expect(deadView.deliveries.reduce((sum, d) => sum + d.attempts, 0)).toBe(3);
    expect(deadView.deliveries.map((d) => d.status)).toEqual(['pending', 'pending']);
    // Refused attempts say so; a delivery the open breaker held back before its first attempt says that.
    expect(deadView.deliveries.map((d) => d.lastError)).toContainEqual(expect.stringMatching(/ECONNREFUSED/));
    for (const d of deadView.deliveries) expect(d.lastError).toMatch(d.attempts === 0 ? /circuit breaker open/ : /ECONNREFUSED/);

    // Exactly one notification per run at the healthy endpoints, with the Slack shape and a run link.
    expect(postsFor(live, first)).toHaveLength(1);
    expect(postsFor(live, second)).toHaveLength(1);
    const message = postsFor(live, first)[0]!.body;
    expect(message.text).toContain(`<${url}/runs/${first}|run #`);
    expect(message.text).toContain(`${project}`);
    expect(message.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(message.event).toMatchObject({ kind: 'run.failed', runId: first, project, ref: 'main', failedJobs: [{ jobKey: 'test', message: expect.any(String) }] });
    const other = await startRun(failingPipeline, 'feature/x');
    await finished(other);

    await notifier!.stop();
    notifier = undefined;
    // The hanging endpoint's POST ended by timeout, recorded as a retryable failure.
    const hangingFirst = (await deliveries('hanging')).find((d) => d.subject === `run:${first}`);
    expect(hangingFirst).toMatchObject({ status: 'pending', lastError: `no answer within ${requestTimeoutMs} ms`, deliveredAt: null });
    expect(hangingFirst!.attempts).toBeGreaterThanOrEqual(1);
    expect(postsFor(live, other)).toEqual([]);
  });

  it('across a notifier restart nothing is lost or repeated; the hanging endpoint trips its breaker', async () => {
    // While no notifier runs (the previous test stopped it): a failed run and an approval that waits.
    expect(notifier).toBeUndefined();
    const third = await startRun(failingPipeline);
    await finished(third);
    const gated = await startRun(approvalPipeline);
    const gate = await waitFor('the approval step to open its gate', async () => {
      const { approvals } = (await (await fetch(`${url}/api/v1/approvals?status=pending&project=${project}`)).json()) as { approvals: { id: number; runId: number }[] };
      return approvals.find((a) => a.runId === gated);
    });
    const before = live.received.length;

    await startNotifier({ requestTimeoutMs: 300, breaker: { failureThreshold: 2, coolDownMs: 60_000 } });
    await waitFor('the third run and the gate to be announced', async () => (postsFor(live, third).length === 1 && postsFor(live, gate.id, 'approval.waiting').length === 1 ? true : undefined));
    const waiting = postsFor(live, gate.id, 'approval.waiting')[0]!.body;
    expect(waiting.text).toContain(`<${url}/approvals/${gate.id}|approval ${gate.id}>`);
    expect(waiting.event).toMatchObject({ approvalId: gate.id, runId: gated, requiredApprovals: 1, project });

    const hangingView = await waitFor('the hanging endpoint breaker to open', async () => {
      const view = (await (await fetch(`${url}/api/v1/notifications/webhooks/hanging`)).json()) as { webhook: { breaker: { state: string; consecutiveFailures: number } | null } };
      return view.webhook.breaker?.state === 'open' ? view : undefined;
    });
    expect(hangingView.webhook.breaker).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    const hangingDeliveries = await deliveries('hanging');
    expect(hangingDeliveries.some((d) => d.lastError === 'no answer within 300 ms')).toBe(true);

    // Give the poll loop a few more turns: nothing is repeated.
    const settled = live.received.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(live.received.length).toBe(settled);
    expect(settled - before).toBe(2);
    const subjects = live.received.map((post) => `${post.body.event.kind}:${post.body.event['runId'] ?? ''}:${post.body.event['approvalId'] ?? ''}`);
    expect(new Set(subjects).size).toBe(subjects.length);
    await fetch(`${url}/api/v1/runs/${gated}/cancel`, { method: 'POST' });
  });
});
