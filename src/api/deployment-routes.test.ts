import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createFsBlobStore } from '../blobs/index.js';
import { systemClock } from '../clock/clock.js';
import { createDeployController, type DeployController } from '../deploy/controller/index.js';
import { fixtureServiceSpec, writeFixtureRelease } from '../deploy/controller/test-support/deploy-fixture.js';
import { createTestClient } from '../deploy/router/test-support/start-test-backends.js';
import { ensureProject } from '../store/index.js';
import { describePglite } from '../test-support/test-store.js';
import { createServer } from './create-server.js';
import { runCliInProcess as cli } from './test-support/run-cli-in-process.js';
import { adminTokenOf, createTestPeople, type PersonHeaders, signInFetch } from './test-support/sign-in-as-admin.js';
import { waitFor } from './test-support/wait-for.js';

const project = 'acme/api';

describePglite('deployment API and CLI', (harness) => {
  let tmp: string;
  let releaseDir: string;
  let controller: DeployController;
  let app: FastifyInstance;
  let url: string;
  let people: Record<'alice' | 'mia' | 'bob' | 'dan', PersonHeaders>;
  let signOut = () => {};
  const token = (name: keyof typeof people) => ['--token', people[name].authorization!.replace('Bearer ', '')];

  const status = async (id: number): Promise<string> =>
    ((await (await fetch(`${url}/api/v1/deployments/${id}`)).json()) as { deployment: { status: string } }).deployment.status;
  const reach = (id: number, wanted: string) => waitFor(`deployment ${id} to be ${wanted}`, async () => ((await status(id)) === wanted ? true : undefined));
  const served = async (): Promise<Set<string | undefined>> => {
    const client = createTestClient(controller.routerUrl, 'api');
    try {
      const seen = new Set<string | undefined>();
      for (let i = 0; i < 10; i += 1) seen.add((await client.get()).version);
      return seen;
    } finally {
      client.close();
    }
  };

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slipway-deploy-api-'));
    releaseDir = await writeFixtureRelease(join(tmp, 'release'));
    await ensureProject(harness.db, { name: project });
    controller = createDeployController({
      db: harness.db,
      blobs: createFsBlobStore({ root: join(tmp, 'blobs') }),
      dataDir: join(tmp, 'data'),
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      pollMs: 100,
      drainMs: 100,
    });
    await controller.start();
    app = createServer({
      identity: { db: harness.db, clock: systemClock },
      version: 'test',
      logger: pino({ level: 'silent' }),
      checkHealth: async () => ({ ok: true }),
      agents: { db: harness.db, clock: systemClock, agentToken: 'test-agent-token-0123456789', tickMs: 200 },
      deployments: { db: harness.db, controller },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    signOut = signInFetch(url, await adminTokenOf(harness.db));
    people = await createTestPeople(harness.db, { alice: 'maintainer', mia: 'maintainer', bob: 'maintainer', dan: 'developer' });
    for (const [file, value] of [
      ['service-v1.yml', fixtureServiceSpec('api', 'v1', { replicas: 1 })],
      ['service-v2.yml', fixtureServiceSpec('api', 'v2', { replicas: 1 })],
      ['canary.yml', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } }],
    ] as const) {
      await writeFile(join(tmp, file), stringify(value));
    }
  });
  afterAll(async () => {
    signOut();
    await app?.close();
    await controller?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('refuses an unknown environment with 404, and a frozen one with 412, before touching the target', async () => {
    const body = { project, environment: 'nowhere', service: fixtureServiceSpec('api', 'v1', { replicas: 1 }), version: 'v1', dir: releaseDir };
    const unknown = await fetch(`${url}/api/v1/deployments`, { method: 'POST', headers: people.alice, body: JSON.stringify(body) });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe(
      `project ${project} has no environment nowhere: list them with \`slipway env list ${project}\`, or a maintainer creates it with \`slipway env set ${project} nowhere\``,
    );
    const anonymous = await fetch(`${url}/api/v1/deployments`, { method: 'POST', headers: { authorization: '', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);

    const freeze = `start=${new Date(Date.now() - 3600_000).toISOString()};end=${new Date(Date.now() + 3600_000).toISOString()};reason=release freeze`;
    expect(await cli('env', 'set', project, 'frozen', '--freeze', freeze, ...token('mia'), '--server', url)).toMatchObject({ code: 0 });
    const frozen = await fetch(`${url}/api/v1/deployments`, { method: 'POST', headers: people.alice, body: JSON.stringify({ ...body, environment: 'frozen' }) });
    expect(frozen.status).toBe(412);
    expect(((await frozen.json()) as { error: { message: string } }).error.message).toMatch(/refused by its protection rules: .*release freeze/);
    expect(controller.routerUrl).toBeTruthy();
    expect((await fetch(`${url}/api/v1/deployments/999999`)).status).toBe(404);
  });

  it('waits for approval until `slipway approve` by an approver, then deploys; promote, deployments and rollback work from the CLI', async () => {
    expect(await cli('env', 'set', project, 'prod', '--approvals', '1', ...token('mia'), '--server', url)).toMatchObject({ code: 0 });
    const as = [...token('alice'), '--server', url];
    const deploy = await cli('deploy', '--project', project, '--env', 'prod', '--service', join(tmp, 'service-v1.yml'), '--version', 'v1', '--dir', releaseDir, ...as);
    expect(deploy).toMatchObject({ code: 0, err: '' });
    const [, id, gate] = /deployment (\d+): api v1 to prod: waiting_approval — approve with `slipway approve (\d+)`/.exec(deploy.out) ?? [];
    expect(id && gate).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await status(Number(id))).toBe('waiting_approval');

    const byDeveloper = await cli('approve', gate!, ...token('dan'), '--server', url);
    expect(byDeveloper.code).toBe(1);
    expect(await status(Number(id))).toBe('waiting_approval');
    expect(await cli('approve', gate!, ...token('bob'), '--server', url)).toMatchObject({ code: 0 });
    await reach(Number(id), 'succeeded');
    expect(await served()).toEqual(new Set(['v1']));

    const second = await cli('deploy', '--project', project, '--env', 'prod', '--service', join(tmp, 'service-v2.yml'), '--version', 'v2', '--dir', releaseDir, '--strategy', join(tmp, 'canary.yml'), ...as);
    const [, id2, gate2] = /deployment (\d+):.*approve (\d+)/.exec(second.out) ?? [];
    await cli('approve', gate2!, ...token('bob'), '--server', url);
    await reach(Number(id2), 'paused');
    expect(await cli('promote', id2!, '--full', ...as)).toMatchObject({ code: 0, out: expect.stringContaining(`fully promoted deployment ${id2}`) });
    await reach(Number(id2), 'succeeded');
    expect(await served()).toEqual(new Set(['v2']));

    const rollback = await cli('rollback', '--project', project, '--env', 'prod', ...as);
    expect(rollback).toMatchObject({ code: 0, out: expect.stringMatching(/rolling back: deployment (\d+): api v1 to prod/) });
    const rollbackId = Number(/deployment (\d+)/.exec(rollback.out)![1]);
    await reach(rollbackId, 'succeeded');
    expect(await served()).toEqual(new Set(['v1']));

    const list = await cli('deployments', '--project', project, '--env', 'prod', '--server', url);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${rollbackId}\\s+api\\s+v1\\s+rollback\\s+succeeded\\s+v2`));
    expect(list.out).toMatch(new RegExp(`${id2}\\s+api\\s+v2\\s+deploy\\s+succeeded\\s+v1`));
    const unknown = await cli('deployments', '--project', project, '--env', 'nowhere', '--server', url);
    expect(unknown).toMatchObject({ code: 1, err: expect.stringMatching(/has no environment nowhere/) });

    const audited = await cli('audit', 'list', '--project', project, '--json', '--server', url);
    const entries = audited.out.trim().split('\n').map((line) => JSON.parse(line) as { actor: string; action: string; subject: { id: string } });
    expect(entries.filter((e) => e.action.startsWith('deployment.')).map((e) => [e.actor, e.action, e.subject.id])).toEqual([
      ['alice', 'deployment.deploy', id],
      ['alice', 'deployment.deploy', id2],
      ['alice', 'deployment.promote', id2],
      ['alice', 'deployment.rollback', String(rollbackId)],
    ]);
    expect(await cli('audit', 'verify', '--server', url)).toMatchObject({ code: 0 });
  });
});
