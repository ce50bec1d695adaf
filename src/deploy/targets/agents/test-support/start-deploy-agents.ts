import { join } from 'node:path';
import type { BlobStore } from '../../../../blobs/index.js';
import { writeTar } from '../../../../blobs/index.js';
import type { Db } from '../../../../store/index.js';
import { startTestAgent, startTestPlatform, type TestAgent, type TestPlatform } from '../../../../api/test-support/start-test-platform.js';
import type { AgentTarget } from '../target.js';

export interface DeployAgents {
  platform: TestPlatform;
  agents: TestAgent[];
  /** Stops the agents, then the server. */
  stop(): Promise<void>;
}

/**
 * A real server with the agent routes serving `target`, and `count` in-process agents with the deploy
 * role (work dirs `<dir>/agent-<n>`); resolves once every agent's command stream is open.
 */
export async function startDeployAgents(db: Db, dir: string, target: AgentTarget, blobStore: BlobStore, count = 1, replicaHost?: string): Promise<DeployAgents> {
  const platform = await startTestPlatform(db, { blobStore, deployTarget: target });
  const agents = Array.from({ length: count }, (_, n) =>
    startTestAgent(platform.url, { name: `deployer-${n}`, capacity: 1, workDir: join(dir, `agent-${n}`), roles: ['deploy'], ...(replicaHost ? { replicaHost } : {}) }),
  );
  const stop = async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await platform.stop();
  };
  try {
    await waitUntil(`${count} deploy agent(s) connected`, () => target.listAgents().filter((agent) => agent.connected).length >= count);
  } catch (error) {
    await stop();
    throw error;
  }
  return { platform, agents, stop };
}

/** Stores a small release archive (the service's command is absolute, so any files do) and returns its digest. */
export async function putReleaseArchive(blobStore: BlobStore, marker = 'release files'): Promise<string> {
  const body = Buffer.from(`${marker}\n`);
  const archive = writeTar([{ type: 'file', path: 'README', mode: 0o644, size: body.length, body: () => body }]);
  return (await blobStore.put(archive)).digest;
}

export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
