import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, waitFor } from '../test-support/spawn-cli.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function startUp(dataDir: string) {
  const cli = spawnCli(['up', '--port', '0', '--data-dir', dataDir], { env: { SLIPWAY_LOG_LEVEL: 'warn', SLIPWAY_GRPC_PORT: '0' } });
  // A first start runs PGlite's initdb: seconds on a quiet machine, far more on a loaded one.
  const url = await waitFor('the "is up on" line', () => /is up on (http:\/\/\S+)/.exec(cli.stderr())?.[1], 90_000);
  return { cli, url };
}

describe('slipway up', () => {
  it('serves health and the web UI from the embedded store, then stops cleanly on SIGINT', { timeout: 240_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'slipway-up-'));
    dirs.push(dataDir);
    const { cli, url } = await startUp(dataDir);

    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);
    const health = (await (await fetch(`${url}/api/v1/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', store: 'pglite' });
    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<title>Slipway</title>');
    // The built UI's script is served with it.
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${url}${script}`)).status).toBe(200);
    const missing = await fetch(`${url}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    // The first start made the administrator and printed their token once, saved for the CLI too.
    const token = /^\s+(slp_[A-Za-z0-9_-]{43})$/m.exec(cli.stderr())?.[1];
    expect(token).toBeDefined();
    expect(cli.stderr()).toContain("created the administrator 'admin'");
    expect((await fetch(`${url}/api/v1/runs`)).status).toBe(401);
    const whoami = spawnCli(['whoami', '--server', url]);
    expect(await whoami.exited).toMatchObject({ code: 0 });
    expect(whoami.stdout()).toBe('admin (administrator): admin in default\n');
    // The canary control plane is wired in: the built-in policy is the one new rollouts get.
    const policy = await fetch(`${url}/api/v1/canary/policy`, { headers: { authorization: `Bearer ${token}` } });
    expect(await policy.json()).toMatchObject({ policy: { name: 'default', version: expect.stringMatching(/^sha256:/) } });
    expect(cli.stderr()).toMatch(/canary gRPC on 127\.0\.0\.1:\d+/);
    // Prometheus metrics from the composition root's registry: the queue gauges read the opened store.
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const exposition = await metrics.text();
    expect(exposition).toMatch(/^slipway_jobs_queued 0$/m);
    expect(exposition).toMatch(/^process_cpu_user_seconds_total /m);

    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code).toBe(0);
    expect(cli.stderr()).toContain('Slipway stopped.');

    // The data survived the shutdown: a second start reopens the same store without re-migrating errors.
    const again = await startUp(dataDir);
    expect((await fetch(`${again.url}/api/v1/health`)).status).toBe(200);
    expect(again.cli.stderr()).not.toContain('slp_');
    expect((await fetch(`${again.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    again.cli.child.kill('SIGTERM');
    expect((await again.cli.exited).code).toBe(0);
  });

  it('says which port is taken instead of crashing', { timeout: 150_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'slipway-up-'));
    dirs.push(dataDir);
    const first = await startUp(dataDir);
    const port = new URL(first.url).port;
    const second = spawnCli(['up', '--port', port, '--data-dir', `${dataDir}-2`], { env: { SLIPWAY_GRPC_PORT: '0' } });
    dirs.push(`${dataDir}-2`);
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.stderr()).toMatch(new RegExp(`port ${port} .*already in use`));
    expect(second.stderr()).not.toContain('    at ');
    first.cli.child.kill('SIGINT');
    await first.cli.exited;
  });
});
