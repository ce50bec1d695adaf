import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { startWebhookEndpoint, type WebhookEndpoint } from '../notify/test-support/webhook-endpoints.js';
import { type Platform, startPlatform } from './start-platform.js';

describe('startPlatform with SLIPWAY_NOTIFY_WEBHOOK_URL', () => {
  let dir: string;
  let platform: Platform | undefined;
  let live: WebhookEndpoint;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-platform-notify-'));
    live = await startWebhookEndpoint();
    const config = loadConfig({ SLIPWAY_NOTIFY_WEBHOOK_URL: live.url }, { port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), routerPort: 0, grpcPort: 0 });
    platform = await startPlatform(config, pino({ level: 'silent' }));
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await live?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the notification routes and has stored the env endpoint as webhook env-default', async () => {
    // The platform's first start made the administrator's token (printed once by `slipway up`).
    const admin = { authorization: `Bearer ${platform!.adminToken}` };
    expect(platform!.adminToken).toMatch(/^slp_/);
    const response = await fetch(`${platform!.url}/api/v1/notifications/webhooks`, { headers: admin });
    expect(response.status).toBe(200);
    const { webhooks } = (await response.json()) as { webhooks: unknown[] };
    expect(webhooks).toEqual([
      expect.objectContaining({ name: 'env-default', source: 'env', url: live.url.replace(/\/hooks\/.*$/, '/***'), events: ['run.failed', 'deployment.rolled_back', 'approval.waiting'] }),
    ]);
    const refused = await fetch(`${platform!.url}/api/v1/notifications/webhooks/env-default`, {
      method: 'DELETE',
      headers: admin,
    });
    expect(refused.status).toBe(412);
  });
});
