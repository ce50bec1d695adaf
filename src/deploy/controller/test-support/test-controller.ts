import { join } from 'node:path';
import { createDeployController, type DeployController, type DeployControllerOptions } from '../deploy-controller.js';

/**
 * A deploy controller for tests: its data under `<dir>/data`, replicas with this process's PATH only,
 * and 100 ms polls and drains so deployments move within a test's time. Anything given overrides.
 */
export function createTestDeployController(
  dir: string,
  options: Pick<DeployControllerOptions, 'db' | 'blobs'> & Partial<DeployControllerOptions>,
): DeployController {
  return createDeployController({
    dataDir: join(dir, 'data'),
    baseEnv: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    pollMs: 100,
    drainMs: 100,
    ...options,
  });
}
