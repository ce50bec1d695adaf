import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fixtureServiceSpec, writeFixtureRelease } from '../../deploy/controller/test-support/deploy-fixture.js';
import { readVersionsServedAt } from '../../deploy/controller/test-support/watch-deployment.js';
import type { Replica } from '../../deploy/targets/target.js';
import { isGroupAlive } from '../../deploy/targets/local/is-group-alive.js';
import { signalProcessGroup } from '../../runner/kill-process-group.js';
import { createTestPeople } from '../test-support/sign-in-as-admin.js';
import { ensureProject } from '../../store/index.js';
import { describePostgres } from '../../test-support/test-store.js';
import { waitFor } from '../test-support/wait-for.js';
import { createIsolatedDatabase } from './isolated-database.js';
import { findFreePort, type ServerProcess, startServerProcess } from './slipway-processes.js';

const project = 'acme/recover';

interface DeploymentView {
  deployment: { id: number; status: string; failure: { kind: string; message: string } | null; gateRequestId: number | null };
  replicas: Replica[];
  routerUrl: string;
}

describePostgres('a slipway server killed with -9 during a canary', (harness) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  // The wait is mostly the dead server's lock lease (30 s by default) running out.
  it('fails the interrupted rollout, serves the stable release from fresh replicas, leaves no orphan, and deploys again', { timeout: 90_000 }, async () => {
    const { databaseUrl, db } = await createIsolatedDatabase(harness);
    const root = await mkdtemp(join(tmpdir(), 'slipway-kill-canary-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const releaseDir = await writeFixtureRelease(join(root, 'release'));
    const serverOptions = { databaseUrl, port: await findFreePort(), leaseSeconds: 30, dataDir: join(root, 'server'), env: { SLIPWAY_ROUTER_PORT: '0' } };

    let server: ServerProcess = await startServerProcess(serverOptions);
    cleanups.push(() => server.stop());
    await ensureProject(db, { name: project });
    const { alice, mia: maintainer, bob } = await createTestPeople(db, { alice: 'maintainer', mia: 'maintainer', bob: 'maintainer' });
    for (const [environment, rules] of [
      ['staging', {}],
      ['prod', { requiredApprovals: { count: 1 } }],
    ] as const) {
      const put = await fetch(`${server.url}/api/v1/projects/${encodeURIComponent(project)}/environments/${environment}`, {
        method: 'PUT',
        headers: maintainer,
        body: JSON.stringify({ rules }),
      });
      expect(put.status).toBe(201);
    }

    const view = async (id: number): Promise<DeploymentView> => (await (await fetch(`${server.url}/api/v1/deployments/${id}`, { headers: maintainer })).json()) as DeploymentView;
    const reach = (id: number, status: string, timeoutMs = 20_000) =>
      waitFor(`deployment ${id} to be ${status}`, async () => {
        const current = await view(id);
        return current.deployment.status === status ? current : undefined;
      }, timeoutMs);
    const deploy = async (version: string, options: { strategy?: unknown; environment?: string; service?: string } = {}): Promise<number> => {
      const { strategy, environment = 'staging', service = 'api' } = options;
      const body = { project, environment, service: fixtureServiceSpec(service, version, { replicas: 1 }), version, dir: releaseDir, ...(strategy ? { strategy } : {}) };
      const posted = await fetch(`${server.url}/api/v1/deployments`, { method: 'POST', headers: alice, body: JSON.stringify(body) });
      expect(posted.status).toBe(202);
      return ((await posted.json()) as { deployment: { id: number } }).deployment.id;
    };
    const served = async (): Promise<Set<string | undefined>> => {
      const { routerUrl } = (await (await fetch(`${server.url}/api/v1/router`, { headers: maintainer })).json()) as { routerUrl: string };
      return readVersionsServedAt(routerUrl, 'api', 10);
    };

    await reach(await deploy('v1'), 'succeeded');
    const canary = await deploy('v2', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    // Accepted before the kill, approved after it: only a resumed loop can carry it on.
    const gated = await deploy('v1', { environment: 'prod', service: 'web' });
    const gateId = (await reach(gated, 'waiting_approval')).deployment.gateRequestId;
    const paused = await reach(canary, 'paused');
    const oldGroups = paused.replicas.map((replica) => replica.pid!);
    expect(paused.replicas.map((replica) => replica.version).sort()).toEqual(['v1', 'v2']);
    cleanups.push(async () => {
      for (const pgid of oldGroups) signalProcessGroup(pgid, 'SIGKILL');
    });

    await server.kill();
    // Detached replicas outlive a killed server: the orphans the restart must stop.
    expect(oldGroups.every((pgid) => isGroupAlive(pgid))).toBe(true);
    server = await startServerProcess(serverOptions);

    const failed = await reach(canary, 'failed', 60_000);
    expect(failed.deployment.failure).toMatchObject({
      kind: 'infra',
      message: 'interrupted: the server stopped while it ran; the environment serves v1 again — deploy again',
    });
    await waitFor('the old server\'s replicas to be gone', async () => (oldGroups.some((pgid) => isGroupAlive(pgid)) ? undefined : true), 10_000);
    const fresh = failed.replicas.filter((replica) => replica.service === 'api');
    expect(fresh.map((replica) => [replica.version, replica.state])).toEqual([['v1', 'ready']]);
    expect(oldGroups).not.toContain(fresh[0]!.pid);
    expect(await served()).toEqual(new Set(['v1']));

    const approved = await fetch(`${server.url}/api/v1/approvals/${gateId}/approve`, {
      method: 'POST',
      headers: bob,
      body: JSON.stringify({ comment: 'after the restart' }),
    });
    expect(approved.status).toBe(200);
    await reach(gated, 'succeeded', 30_000);

    const next = await deploy('v3');
    const succeeded = await reach(next, 'succeeded', 30_000);
    expect(succeeded.deployment.failure).toBeNull();
    expect(await served()).toEqual(new Set(['v3']));
  });
});
