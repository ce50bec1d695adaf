import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../../blobs/index.js';
import { systemClock } from '../../clock/clock.js';
import { ensureProject } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { putEnvironment } from '../environments/index.js';
import { createDeployController, type DeployController } from './deploy-controller.js';
import type { DeploymentStatus } from './deployment.js';
import { fixtureServiceSpec, writeFixtureRelease } from './test-support/deploy-fixture.js';
import { failuresOf, startTrafficLoop } from './test-support/traffic-loop.js';
import { readVersionsServed, waitForDeploymentStatus } from './test-support/watch-deployment.js';

const haproxy = '/usr/sbin/haproxy';
const required = process.env['SLIPWAY_REQUIRE_SERVICES'] === '1';
const project = 'acme/edge';
const env = 'staging';

describePglite('deploy controller behind HAProxy (SLIPWAY_ROUTER=haproxy)', (harness) => {
  if (!existsSync(haproxy)) {
    it.runIf(required)('needs haproxy', () => {
      throw new Error(`SLIPWAY_REQUIRE_SERVICES=1 but ${haproxy} is missing: apt-get install haproxy`);
    });
    return;
  }
  let tmp: string;
  let releaseDir: string;
  let controller: DeployController;

  const submit = async (version: string, strategy: unknown) =>
    (
      await controller.submit({
        project,
        environment: env,
        service: fixtureServiceSpec('web', version),
        strategy,
        version,
        source: { dir: releaseDir },
        actor: 'alice',
      })
    ).deployment;
  const waitForStatus = (id: number, statuses: DeploymentStatus[]) => waitForDeploymentStatus(controller, id, statuses);
  const versionsServed = (count?: number) => readVersionsServed(controller, 'web', count);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slipway-deploy-haproxy-'));
    releaseDir = await writeFixtureRelease(join(tmp, 'src'));
    const proj = await ensureProject(harness.db, { name: project });
    await putEnvironment(harness.db, systemClock, { projectId: proj.id, name: env, rules: {}, actor: 'mia' });
    controller = createDeployController({
      db: harness.db,
      blobs: createFsBlobStore({ root: join(tmp, 'blobs') }),
      dataDir: join(tmp, 'data'),
      baseEnv: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      routerKind: 'haproxy',
      pollMs: 100,
      drainMs: 100,
    });
    await controller.start();
  });
  afterAll(async () => {
    await controller?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('deploys, splits a canary, and an abort returns every request to stable without failures', { timeout: 60_000 }, async () => {
    const v1 = await submit('v1', { recreate: {} });
    expect((await waitForStatus(v1.id, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(await versionsServed()).toEqual(new Set(['v1']));

    const traffic = startTrafficLoop(controller.routerUrl, 'web');
    const v2 = await submit('v2', { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } });
    await waitForStatus(v2.id, ['paused']);
    expect(await versionsServed(40)).toEqual(new Set(['v1', 'v2']));
    await controller.abort(v2.id, { actor: 'bob' });
    expect((await waitForStatus(v2.id, ['aborted', 'failed'])).status).toBe('aborted');
    const records = await traffic.stop();
    expect(failuresOf(records)).toEqual([]);
    expect(await versionsServed()).toEqual(new Set(['v1']));
  });
});
