import { createTestClient } from '../../router/test-support/start-test-backends.js';
import type { DeployController } from '../deploy-controller.js';
import type { Deployment, DeploymentStatus } from '../deployment.js';

/** Polls a deployment until it reaches one of `statuses`; throws with its state after timeoutMs. */
export async function waitForDeploymentStatus(
  controller: DeployController,
  id: number,
  statuses: DeploymentStatus[],
  timeoutMs = 20_000,
): Promise<Deployment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { deployment } = await controller.describe(id);
    if (statuses.includes(deployment.status)) return deployment;
    if (Date.now() > deadline) {
      throw new Error(`deployment ${id} is ${deployment.status}, not ${statuses.join('|')}, after ${timeoutMs} ms: ${JSON.stringify(deployment.failure)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The versions (x-slipway-version) that `count` sequential requests for `service` were served by. */
export function readVersionsServed(controller: DeployController, service: string, count = 20): Promise<Set<string | undefined>> {
  return readVersionsServedAt(controller.routerUrl, service, count);
}

/** The same through a router known by its URL only (e.g. a `slipway server` process's, from /api/v1/router). */
export async function readVersionsServedAt(routerUrl: string, service: string, count = 20): Promise<Set<string | undefined>> {
  const client = createTestClient(routerUrl, service);
  const seen = new Set<string | undefined>();
  try {
    for (let i = 0; i < count; i += 1) seen.add((await client.get()).version);
  } finally {
    client.close();
  }
  return seen;
}
