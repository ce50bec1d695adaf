import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliInProcess as cli } from '../../api/test-support/run-cli-in-process.js';
import { createTestUser } from '../../api/test-support/sign-in-as-admin.js';
import { startTestPlatform, type TestPlatform } from '../../api/test-support/start-test-platform.js';
import { systemClock } from '../../clock/clock.js';
import { describePglite } from '../../test-support/test-store.js';

describePglite('slipway notify add, list, deliveries, remove', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;

  beforeAll(async () => {
    platform = await startTestPlatform(harness.db, { notifications: { db: harness.db, clock: systemClock } });
    url = platform.url;
    as = ['--token', await createTestUser(harness.db, 'mia', 'maintainer', undefined, { admin: true })];
    developer = ['--token', await createTestUser(harness.db, 'dan', 'developer')];
  });
  afterAll(async () => {
    await platform?.stop();
  });

  /** mia is an administrator (notification webhooks are theirs); dan a developer. */
  let as: string[] = [];
  let developer: string[] = [];

  it('adds a webhook with event and project filters, lists it masked, and removes it', async () => {
    const added = await cli('notify', 'add', 'ops', 'https://hooks.slack.com/services/T0/B0/XXXX', '--event', 'run.failed,approval.waiting', '--project', 'acme/web', '--server', url, ...as);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toBe('added webhook ops → https://hooks.slack.com/***: run.failed, approval.waiting for acme/web\n');
    expect((await cli('notify', 'add', 'ops', 'https://hooks.slack.com/services/T0/B0/YYYY', '--server', url, ...as)).out).toMatch(/^replaced webhook ops → .*: run\.failed, deployment\.rolled_back, approval\.waiting for every project\n$/);

    const listed = await cli('notify', 'list', '--server', url);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^NAME\s+URL\s+EVENTS\s+PROJECTS\s+BREAKER\s+UPDATED\nops\s+https:\/\/hooks\.slack\.com\/\*\*\*\s+run\.failed,deployment\.rolled_back,approval\.waiting\s+every project\s+-\s+mia, \d+s ago\n$/);
    expect(listed.out).not.toContain('YYYY');
    expect((await cli('notify', 'deliveries', '--webhook', 'ops', '--server', url)).out).toBe('no deliveries\n');

    expect((await cli('notify', 'remove', 'ops', '--server', url, ...as)).out).toBe('removed webhook ops\n');
    expect((await cli('notify', 'list', '--server', url)).out).toBe('no notification webhooks: add one with `slipway notify add NAME URL`\n');
  });

  it('reports bad input and a missing role as the server explains them, with a failing exit code', async () => {
    const bad = await cli('notify', 'add', 'ops', 'file:///etc/passwd', '--event', 'run.exploded', '--server', url, ...as);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('url: expected an http:// or https:// URL');
    expect(bad.err).toContain('events.0: expected one of run.failed, deployment.rolled_back, approval.waiting');
    const refused = await cli('notify', 'remove', 'ops', '--server', url, ...developer);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('only administrators may');
  });
});
