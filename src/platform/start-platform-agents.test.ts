import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { waitUntil } from '../deploy/targets/agents/test-support/start-deploy-agents.js';
import { type Platform, startPlatform } from './start-platform.js';

/** The composition root with SLIPWAY_DEPLOY_TARGET=agents (spawns bin/slipway.js: needs `node scripts/build.mjs`). */
describe('startPlatform with SLIPWAY_DEPLOY_TARGET=agents', () => {
  let dir: string;
  let platform: Platform | undefined;
  const lines: { agent?: string; msg?: string }[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as { agent?: string; msg?: string });
        done();
      },
    }),
  );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-platform-agents-'));
  });
  afterAll(async () => {
    await platform?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start without an agent token, saying why', async () => {
    const config = loadConfig({ SLIPWAY_DEPLOY_TARGET: 'agents' }, { port: 0, host: '127.0.0.1', dataDir: join(dir, 'no-token'), routerPort: 0, grpcPort: 0 });
    await expect(startPlatform(config, pino({ level: 'silent' }))).rejects.toThrow(
      'SLIPWAY_DEPLOY_TARGET=agents needs SLIPWAY_AGENT_TOKEN: deploy agents authenticate with it',
    );
  });

  it("`slipway up` runs a deploy agent of its own, which connects, and stops it on close", { timeout: 120_000 }, async () => {
    const config = loadConfig(
      { SLIPWAY_DEPLOY_TARGET: 'agents' },
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'data'),
        routerPort: 0,
        grpcPort: 0,
        agentToken: randomBytes(24).toString('base64url'),
        localAgents: { min: 0, max: 1, jobsPerAgent: 1, idleGraceMs: 60_000 },
      },
    );
    expect(config.deployTarget).toBe('agents');
    platform = await startPlatform(config, logger, { localAgent: { name: 'up', labels: ['local'], workDir: join(dir, 'agent') } });
    const said = (text: string) => lines.some((line) => line.agent === 'up-deploy' && line.msg?.includes(text));
    await waitUntil(`the deploy agent to connect (log: ${JSON.stringify(lines.slice(-5))})`, () => said('deploy role: connected'), 60_000);
    expect(said('roles deploy')).toBe(true);
    const closing = Date.now();
    await platform.close();
    platform = undefined;
    expect(Date.now() - closing).toBeLessThan(15_000);
  });
});
