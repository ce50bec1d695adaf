import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtureService = fileURLToPath(new URL('../../targets/local/test-support/fixture-service.mjs', import.meta.url));

/** A release directory holding the tiny node service that answers `<VERSION> <path>` (server.mjs). */
export async function writeFixtureRelease(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await copyFile(fixtureService, join(dir, 'server.mjs'));
  return dir;
}

/** A service spec of the fixture: fast readiness probes so tests do not wait on defaults. */
export function fixtureServiceSpec(name: string, version: string, options: { replicas?: number; env?: Record<string, string>; port?: number } = {}) {
  return {
    name,
    start: 'node server.mjs',
    replicas: options.replicas ?? 2,
    ...(options.port === undefined ? {} : { port: options.port }),
    readiness: { path: '/ready', intervalMs: 50, timeoutMs: 1_000 },
    env: { VERSION: version, ...(options.env ?? {}) },
    stopTimeoutMs: 2_000,
  };
}
