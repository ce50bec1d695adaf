// A deploy controller for the deployment benches, run in the bench's own process: PGlite in a temp
// dir (with DATABASE_URL: PostgreSQL in a fresh schema, dropped by close()), one project + environment, a release dir holding the local target's fixture service (it
// answers `<VERSION> <path>`), the built-in router on 127.0.0.1. Load generators must run in other
// processes: this process's event loop is the router's.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFsBlobStore } from '../../dist/blobs/index.js';
import { systemClock } from '../../dist/clock/clock.js';
import { createDeployController } from '../../dist/deploy/controller/index.js';
import { putEnvironment } from '../../dist/deploy/environments/index.js';
import { randomBytes } from 'node:crypto';
import { connectPostgres, ensureProject, openStore } from '../../dist/store/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// test-support is not built into dist/: the fixture is copied from src/ (read only).
const fixtureService = join(root, 'src/deploy/targets/local/test-support/fixture-service.mjs');

export const project = 'bench/deploy';
export const environment = 'bench';

/** The fixture's service spec, as deploy-fixture.ts writes it for the controller tests. */
export function fixtureServiceSpec(name, version, { replicas = 2, env = {} } = {}) {
  return {
    name,
    start: 'node server.mjs',
    replicas,
    readiness: { path: '/ready', intervalMs: 50, timeoutMs: 1_000 },
    env: { VERSION: version, ...env },
    stopTimeoutMs: 2_000,
  };
}

export async function startDeployHost({ name, pollMs = 100, drainMs = 100, onError }) {
  const tmp = await mkdtemp(join(tmpdir(), `slipway-bench-${name}-`));
  const releaseDir = join(tmp, 'src');
  await mkdir(releaseDir, { recursive: true });
  await copyFile(fixtureService, join(releaseDir, 'server.mjs'));
  const databaseUrl = process.env.DATABASE_URL;
  const schema = databaseUrl ? `bench_${name.replaceAll('-', '_')}_${randomBytes(4).toString('hex')}` : undefined;
  const store = await openStore(databaseUrl ? { databaseUrl, schema } : { dataDir: join(tmp, 'db') });
  const dropSchema = async () => {
    if (!schema) return;
    const admin = await connectPostgres({ databaseUrl, maxConnections: 1 });
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.close();
  };
  const controller = createDeployController({
    db: store.db,
    blobs: createFsBlobStore({ root: join(tmp, 'blobs') }),
    dataDir: join(tmp, 'data'),
    baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    pollMs,
    drainMs,
    onError: onError ?? ((error, context) => process.stderr.write(`controller error (${context}): ${error?.stack ?? error}\n`)),
  });
  try {
    const proj = await ensureProject(store.db, { name: project });
    await putEnvironment(store.db, systemClock, { projectId: proj.id, name: environment, rules: {}, actor: 'bench' });
    await controller.start();
  } catch (error) {
    await controller.close().catch(() => {});
    await store.close();
    await dropSchema();
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }

  const submit = async (service, version, strategy, options = {}) =>
    (
      await controller.submit({
        project,
        environment,
        service: fixtureServiceSpec(service, version, options),
        strategy,
        version,
        source: { dir: releaseDir },
        actor: 'bench',
      })
    ).deployment;

  /** Polls describe() (25 ms) until the deployment reaches one of `statuses`; throws after timeoutMs. */
  const waitForStatus = async (id, statuses, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await controller.describe(id);
      if (statuses.includes(view.deployment.status)) return view;
      if (Date.now() > deadline) {
        throw new Error(`deployment ${id} is ${view.deployment.status}, not ${statuses.join('|')}, after ${timeoutMs} ms: ${JSON.stringify(view.deployment.failure)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const close = async () => {
    await controller.close();
    await store.close();
    await dropSchema();
    await rm(tmp, { recursive: true, force: true });
  };
  return { tmp, storeKind: store.db.kind, controller, store, routerUrl: controller.routerUrl, submit, waitForStatus, close };
}
