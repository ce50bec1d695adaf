/**
 * A test server with every optional part enabled — canary routes, deployments (with a started deploy
 * controller), secrets, webhooks, notifications, metrics and the demo — as the OpenAPI coverage test
 * and the access matrix both need it, so the two always see the same routes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFsBlobStore } from '../../blobs/index.js';
import { createBus } from '../../bus/index.js';
import { type CanaryService, parsePolicy, startCanaryService } from '../../canary/index.js';
import { fastPolicyYaml } from '../../canary/test-support/fast-policy.js';
import { systemClock } from '../../clock/clock.js';
import type { DeployController } from '../../deploy/controller/index.js';
import { createTestDeployController } from '../../deploy/controller/test-support/test-controller.js';
import { createDemoRunner } from '../../demo/demo-runner.js';
import { createMetrics } from '../../metrics/index.js';
import { createSecretCrypto } from '../../secrets/index.js';
import type { Db } from '../../store/index.js';
import { startTestPlatform, type TestPlatform } from './start-test-platform.js';

export interface FullTestPlatform {
  platform: TestPlatform;
  canary: CanaryService;
  controller: DeployController;
  /** A temp dir of the test's own (releases, blobs); removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

export async function startFullTestPlatform(db: Db, options: { name: string; signedIn?: boolean }): Promise<FullTestPlatform> {
  const policy = parsePolicy(fastPolicyYaml({ name: options.name, maxErrorRate: 0.05 }), 'test');
  if (!policy.ok) throw new Error('the test policy is invalid');
  const dir = await mkdtemp(join(tmpdir(), `slipway-${options.name}-`));
  const blobStore = createFsBlobStore({ root: join(dir, 'blobs') });
  const bus = await createBus({ kind: 'memory' });
  const metrics = createMetrics({ db });
  const canary = await startCanaryService({ db, bus, clock: systemClock, logger: pino({ level: 'silent' }), grpcPort: 0, policy: policy.policy, metrics });
  const controller = createTestDeployController(dir, { db, blobs: blobStore });
  await controller.start();
  const platform = await startTestPlatform(db, {
    ...(options.signedIn === undefined ? {} : { signedIn: options.signedIn }),
    blobStore,
    metrics,
    canary: { canary },
    deployments: { db, controller },
    secretCrypto: createSecretCrypto({ key: randomBytes(32) }),
    webhooks: { githubSecret: 'gh', gitlabToken: 'gl' },
    notifications: { db, clock: systemClock },
    // A demo pointed at a closed port: starting it is real, and it ends at once, reaching nothing.
    demo: createDemoRunner({ clock: systemClock, serverUrl: () => 'http://127.0.0.1:9', workDir: join(dir, 'demo') }),
  });
  return {
    platform,
    canary,
    controller,
    dir,
    stop: async () => {
      await platform.stop();
      await controller.close();
      await canary.close();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
