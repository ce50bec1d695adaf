import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestAgent, testAgentToken } from '../../../api/test-support/start-test-platform.js';
import { type BlobStore, createFsBlobStore } from '../../../blobs/index.js';
import { createManualClock } from '../../../clock/clock.js';
import { isAppError } from '../../../errors/app-error.js';
import { isGroupAlive } from '../local/is-group-alive.js';
import { describePglite } from '../../../test-support/test-store.js';
import { parseServiceSpec } from '../service-spec.js';
import { describeTargetContract, fixtureServicePath } from '../target-contract.js';
import type { ReplicaEvent, TargetRelease } from '../target.js';
import { type AgentTarget, createAgentTarget } from './target.js';
import { type DeployAgents, putReleaseArchive, startDeployAgents, waitUntil } from './test-support/start-deploy-agents.js';

describePglite('agent target', (harness) => {
  describeTargetContract('agents', async (dir, onEvent) => {
    const blobStore = createFsBlobStore({ root: join(dir, 'blobs') });
    const digest = await putReleaseArchive(blobStore);
    const target = createAgentTarget({ onEvent, leaseMs: 3_000 });
    const deployAgents = await startDeployAgents(harness.db, dir, target, blobStore);
    return {
      target,
      // Never read: the agent unpacks the release from the blob store into its own work dir.
      files: { workdir: join(dir, 'server-side-release'), digest },
      unavailable: (release) => ({ ...release, digest: '0'.repeat(64) }),
      unavailableMessage: /could not be fetched from the server: .*are gone from the blob store/,
      dispose: () => deployAgents.stop(),
    };
  });
});

describePglite('agent target: placement and lost agents', (harness) => {
  let dir: string;
  let target: AgentTarget;
  let deployAgents: DeployAgents | undefined;
  let digest: string;
  let blobStore: BlobStore;

  const release = (version = 'v1'): TargetRelease => ({
    version,
    service: parseServiceSpec({ name: 'web', start: `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(fixtureServicePath)}`, readiness: { path: '/ready', intervalMs: 50 } }),
    workdir: join(dir, 'server-side-release'),
    digest,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-agent-placement-'));
    blobStore = createFsBlobStore({ root: join(dir, 'blobs') });
    digest = await putReleaseArchive(blobStore);
    target = createAgentTarget({ leaseMs: 3_000, agentWaitMs: 300 });
  });
  afterEach(async () => {
    await target.close();
    await deployAgents?.stop();
    deployAgents = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('says how to start a deploy agent when none is online (after waiting agentWaitMs for one)', async () => {
    const began = Date.now();
    const error = await target.startReplica(release(), 0).catch((caught: unknown) => caught);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect(isAppError(error) && error.code).toBe('unavailable');
    expect((error as Error).message).toBe('no agent with the deploy role is online: start one with `slipway agent --roles deploy`');
  });

  it('waits for a deploy agent to come online (as after a server restart) before it places a replica', async () => {
    await target.close();
    target = createAgentTarget({ leaseMs: 3_000, agentWaitMs: 20_000 });
    const starting = target.startReplica(release(), 0);
    deployAgents = await startDeployAgents(harness.db, dir, target, blobStore, 1);
    const replica = await starting;
    await expect(target.waitForReady(replica.id, { timeoutMs: 10_000 })).resolves.toMatchObject({ state: 'ready' });
  });

  it('spreads the replicas of a service over the deploy agents, and never uses a build-only agent', async () => {
    deployAgents = await startDeployAgents(harness.db, dir, target, blobStore, 2);
    const buildOnly = startTestAgent(deployAgents.platform.url, { name: 'builder', capacity: 1, workDir: join(dir, 'builder') });
    try {
      const replicas = await Promise.all([0, 1, 2, 3].map((index) => target.startReplica(release(), index)));
      await Promise.all(replicas.map((replica) => target.waitForReady(replica.id, { timeoutMs: 10_000 })));
      expect(target.listAgents().map((agent) => [agent.name, agent.replicas]).sort()).toEqual([
        ['deployer-0', 2],
        ['deployer-1', 2],
      ]);
      for (const replica of target.listReplicas()) expect(await (await fetch(`${replica.url}/x`)).text()).toBe('undefined /x');
    } finally {
      await buildOnly.stop();
    }
  });

  it('runs replicas on the address an agent gives with --replica-host (another loopback address here) and reaches them there', async () => {
    deployAgents = await startDeployAgents(harness.db, dir, target, blobStore, 1, '127.0.0.2');
    const replica = await target.waitForReady((await target.startReplica(release(), 0)).id, { timeoutMs: 10_000 });
    expect(replica).toMatchObject({ host: '127.0.0.2', url: `http://127.0.0.2:${replica.port}` });
    expect(await (await fetch(`${replica.url}/x`)).text()).toBe('undefined /x');
    // Nothing of it listens on 127.0.0.1.
    await expect(fetch(`http://127.0.0.1:${replica.port}/x`)).rejects.toThrow();
  });

  it('writes off an agent silent for the lease: its replicas fail on the server, and the agent stops them and registers again', async () => {
    const clock = createManualClock(Date.now());
    await target.close();
    const lost: ReplicaEvent[] = [];
    target = createAgentTarget({ clock, leaseMs: 1_000, onEvent: (event) => lost.push(event) });
    deployAgents = await startDeployAgents(harness.db, dir, target, blobStore, 1);
    const [before] = target.listAgents();
    const replica = await target.waitForReady((await target.startReplica(release(), 0)).id, { timeoutMs: 10_000 });
    expect(isGroupAlive(replica.pid!)).toBe(true);
    // As if its reports had stopped arriving (the agent itself keeps reporting): time jumps past the
    // lease again and again, so some lease check falls between a jump and the agent's next report.
    await waitUntil('the replica to fail', () => {
      clock.advance(2_000);
      return lost.some((event) => event.type === 'failed');
    });
    expect(target.listReplicas()).toMatchObject([{ id: replica.id, state: 'failed' }]);
    expect(target.listReplicas()[0]?.failure?.message).toMatch(
      /^replica web-v1-0 is gone with deploy agent deployer-0, which was lost: no report for \d+ ms \(lease 1000 ms\); restart it or check its network; no other deploy agent is online to restart it on$/,
    );
    // Its next report is refused: it stops what it runs there and registers again, as a new agent.
    await waitUntil('the replica process group to be stopped by its agent', () => !isGroupAlive(replica.pid!));
    await waitUntil('the agent to register again', () => target.listAgents().some((agent) => agent.connected && agent.id !== before?.id));
    await expect(target.stopReplica(replica.id)).resolves.toEqual({ forced: false });
    expect(target.listReplicas()).toEqual([]);
  });

  it('answers 404 to a replica command stream of an agent registered without the deploy role', async () => {
    deployAgents = await startDeployAgents(harness.db, dir, target, blobStore, 0);
    const authorization = `Bearer ${testAgentToken}`;
    const registered = await fetch(`${deployAgents.platform.url}/api/v1/agents/register`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'builder', labels: [], capacity: 1 }),
    });
    const { agentId } = (await registered.json()) as { agentId: string };
    const stream = await fetch(`${deployAgents.platform.url}/api/v1/agents/${agentId}/replica-commands`, { headers: { authorization } });
    expect(stream.status).toBe(404);
    expect(((await stream.json()) as { error: { message: string } }).error.message).toContain('registered without --roles deploy');
  });
});
