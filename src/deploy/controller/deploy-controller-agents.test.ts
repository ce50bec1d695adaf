import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testAgentToken } from '../../api/test-support/start-test-platform.js';
import { createFsBlobStore } from '../../blobs/index.js';
import { systemClock } from '../../clock/clock.js';
import { ensureProject } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { putEnvironment } from '../environments/index.js';
import { createTestClient } from '../router/test-support/start-test-backends.js';
import { type AgentTarget, createAgentTarget, type ReplicaEvent, reapOrphanReplicas } from '../targets/index.js';
import { startDeployAgents, type DeployAgents, waitUntil } from '../targets/agents/test-support/start-deploy-agents.js';
import type { DeployController } from './deploy-controller.js';
import type { DeploymentStatus } from './deployment.js';
import { fixtureServiceSpec, writeFixtureRelease } from './test-support/deploy-fixture.js';
import { createTestDeployController } from './test-support/test-controller.js';
import { readVersionsServed, waitForDeploymentStatus } from './test-support/watch-deployment.js';

const slipwayBin = fileURLToPath(new URL('../../../bin/slipway.js', import.meta.url));
const project = 'acme/shop';
const env = 'staging';
// Long enough that a busy machine's event-loop stalls do not write off the live agent.
const leaseMs = 3_000;

/**
 * Deployments whose replicas run on agents with the deploy role: one in-process (runAgent) and one
 * `slipway agent --roles deploy` child process (needs `node scripts/build.mjs`), which is killed with -9.
 */
describePglite('deploy controller end to end (agent target, built-in router)', (harness) => {
  let tmp: string;
  let releaseDir: string;
  let target: AgentTarget;
  let controller: DeployController;
  let agents: DeployAgents;
  const children = new Map<string, ChildProcess>();
  const childOutput: string[] = [];

  /** `slipway agent --roles deploy` as a child process, connected. */
  const spawnAgent = async (name: string): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      [slipwayBin, 'agent', '--server', agents.platform.url, '--name', name, '--roles', 'deploy', '--capacity', '1', '--work-dir', join(tmp, name)],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmp, SLIPWAY_AGENT_TOKEN: testAgentToken }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.set(name, child);
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => childOutput.push(chunk.toString()));
    await waitUntil(`slipway agent ${name} --roles deploy to connect (output: ${childOutput.join('')})`, () => agentNamed(name)?.connected === true, 20_000);
    return child;
  };

  const submit = async (version: string, strategy: unknown, options: { replicas?: number; env?: Record<string, string> } = {}) =>
    (
      await controller.submit({
        project,
        environment: env,
        service: fixtureServiceSpec('web', version, options),
        strategy,
        version,
        source: { dir: releaseDir },
        actor: 'alice',
      })
    ).deployment;
  const waitForStatus = (id: number, statuses: DeploymentStatus[], timeoutMs?: number) => waitForDeploymentStatus(controller, id, statuses, timeoutMs);
  const agentNamed = (name: string) => target.listAgents().find((agent) => agent.name === name);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slipway-deploy-agents-'));
    releaseDir = await writeFixtureRelease(join(tmp, 'src'));
    const proj = await ensureProject(harness.db, { name: project });
    await putEnvironment(harness.db, systemClock, { projectId: proj.id, name: env, rules: {}, actor: 'mia' });
    const blobs = createFsBlobStore({ root: join(tmp, 'blobs') });
    target = createAgentTarget({ leaseMs });
    controller = createTestDeployController(tmp, {
      db: harness.db,
      blobs,
      createTarget: (onEvent) => {
        target.subscribe(onEvent);
        return target;
      },
    });
    await controller.start();
    agents = await startDeployAgents(harness.db, tmp, target, blobs, 1);
    await spawnAgent('agent-z');
  }, 60_000);

  afterAll(async () => {
    for (const child of children.values()) child.kill('SIGKILL');
    await controller?.close();
    await agents?.stop();
    // What the killed agents left running (their replicas lead their own process groups).
    for (const name of children.keys()) await reapOrphanReplicas(join(tmp, name, 'deploy', 'replicas'), { graceMs: 1_000 });
    await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  it('recreate: v1 runs on the deploy agents, one replica each, from files they fetched themselves, and the router serves it', async () => {
    const d = await submit('v1', { recreate: {} });
    const done = await waitForStatus(d.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'succeeded', version: 'v1', failure: null });
    expect(await readVersionsServed(controller, 'web')).toEqual(new Set(['v1']));
    expect(target.listAgents().map((agent) => agent.replicas)).toEqual([1, 1]);
    const view = await controller.describe(d.id);
    expect(view.replicas.map((r) => [r.version, r.state, r.host])).toEqual([
      ['v1', 'ready', '127.0.0.1'],
      ['v1', 'ready', '127.0.0.1'],
    ]);
    // Each agent unpacked the release into its own work dir (read-only), not the server's data dir.
    for (const dir of ['agent-0', 'agent-z']) {
      const file = await stat(join(tmp, dir, 'deploy', 'releases', 'web', 'v1', 'server.mjs'));
      expect(file.mode & 0o222).toBe(0);
    }
  });

  it('kill -9 of a deploy agent: once its lease runs out, its replica restarts on the other agent and the router follows it', async () => {
    const events: ReplicaEvent[] = [];
    const unsubscribe = target.subscribe((event) => events.push(event));
    try {
      // From the first test: web-v1-0 runs on `agent-z-…` (the lower id of two empty agents), web-v1-1 on `deployer-0-…`.
      const [moved, stayed] = target.listReplicas();
      expect(agentNamed('agent-z')?.replicas).toBe(1);
      const killedAt = Date.now();
      children.get('agent-z')!.kill('SIGKILL');
      await waitUntil('web-v1-0 to be ready again', () => events.some((event) => event.type === 'ready' && event.replica.id === moved!.id), 30_000);
      const tookMs = Date.now() - killedAt;
      // Its last report may have come up to a third of the lease before the kill.
      expect(tookMs).toBeGreaterThanOrEqual((leaseMs * 2) / 3 - 100);
      expect(tookMs).toBeLessThan(leaseMs + 10_000);
      expect(events.filter((event) => event.replica.id === moved!.id).map((event) => event.type)).toEqual(['crashed', 'restarted', 'ready']);
      expect(events[0]?.detail).toMatch(/^replica web-v1-0 is gone with deploy agent agent-z, which was lost: no report for \d+ ms \(lease 3000 ms\)/);
      expect(events[1]?.detail).toBe('on deploy agent deployer-0');
      expect(agentNamed('agent-z')).toBeUndefined();
      expect(agentNamed('deployer-0')?.replicas).toBe(2);
      const now = target.listReplicas();
      expect(now.map((r) => [r.id, r.state, r.restarts])).toEqual([
        [moved!.id, 'ready', 1],
        [stayed!.id, 'ready', 0],
      ]);
      expect(now[0]?.port).not.toBe(moved!.port);
      expect(await (await fetch(`${now[0]!.url}/x`)).text()).toBe('v1 /x');
      // The router sends traffic to the new port: every one of 20 requests is answered by v1.
      const client = createTestClient(controller.routerUrl, 'web');
      for (let i = 0; i < 20; i += 1) expect(await client.get()).toMatchObject({ status: 200, version: 'v1' });
    } finally {
      unsubscribe();
    }
  }, 60_000);

  it('kill -9 of the only deploy agent during a canary: its replicas fail, and the rollout rolls back and fails saying why', async () => {
    // The in-process agent leaves (gracefully: its replicas stop), so the next agent is the only one.
    await Promise.all(agents.agents.map((agent) => agent.stop()));
    await waitUntil('the in-process agent to be gone', () => target.listReplicas().length === 0 && !target.listAgents().some((agent) => agent.connected && agent.name === 'deployer-0'), 20_000);
    const only = await spawnAgent('agent-y');
    const first = await submit('v2', { recreate: {} }, { replicas: 1 });
    expect(await waitForStatus(first.id, ['succeeded', 'failed'])).toMatchObject({ status: 'succeeded' });
    // v3 never becomes ready, so the rollout waits on its canary.
    const d = await submit('v3', { canary: { steps: [{ setWeight: 50 }, { pause: {} }] }, progressDeadlineSeconds: 120 }, { replicas: 1, env: { READY_AFTER_MS: '600000' } });
    await waitUntil('the v3 canary replica to start', () => target.listReplicas().some((replica) => replica.version === 'v3'), 20_000);
    only.kill('SIGKILL');
    const done = await waitForStatus(d.id, ['failed', 'succeeded'], 30_000);
    expect(done.status).toBe('failed');
    expect(done.failure?.message).toContain('replica web-v3-0 of v3 failed before it was ever ready');
    expect(done.failure?.message).toMatch(/is gone with deploy agent agent-y, which was lost: no report for \d+ ms \(lease 3000 ms\)/);
    expect(done.failure?.message).toContain('no other deploy agent is online to restart it on');
    expect(target.listReplicas().map((replica) => [replica.id, replica.state])).toEqual([['web-v2-0', 'failed']]);
  }, 60_000);
});
