import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { toErrorBody } from '../http-status.js';
import { registerUiRoutes } from './register-ui-routes.js';

describe('registerUiRoutes', () => {
  let dir: string | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const serve = async (files: Record<string, string>) => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-ui-routes-'));
    await mkdir(join(dir, 'assets'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = toErrorBody(error);
      void reply.status(status).send(body);
    });
    registerUiRoutes(app, { version: '9.9.9', uiDir: dir });
    return app;
  };

  it('answers every client path with index.html and serves hashed assets', async () => {
    const server = await serve({ 'index.html': '<title>Slipway UI</title>', 'assets/index-abc.js': 'console.log(1)' });
    for (const path of ['/', '/projects/acme%2Fweb', '/projects/acme%2Fweb/environments/prod', '/runs/3/jobs/9', '/approvals', '/deployments/4']) {
      const page = await server.inject({ url: path });
      expect([path, page.statusCode, page.body]).toEqual([path, 200, '<title>Slipway UI</title>']);
    }
    const asset = await server.inject({ url: '/ui/assets/index-abc.js' });
    expect([asset.statusCode, asset.headers['content-type'], asset.body]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);
  });

  it('refuses names outside assets/ and unknown kinds, and says how to rebuild a missing asset', async () => {
    const server = await serve({ 'index.html': 'ui', 'secret.js': 'no' });
    expect((await server.inject({ url: '/ui/assets/..%2Fsecret.js' })).statusCode).toBe(404);
    expect((await server.inject({ url: '/ui/assets/index.exe' })).statusCode).toBe(404);
    const missing = await server.inject({ url: '/ui/assets/gone-123.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('npm run build') } });
  });

  it('serves a page saying the UI is not built when index.html is missing', async () => {
    const server = await serve({});
    const page = await server.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Slipway 9.9.9');
  });
});
