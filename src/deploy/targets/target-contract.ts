/**
 * The behaviour every Target passes (like hono's router common.case.test.ts): real processes, real
 * HTTP, no mocks. Each implementation's target.test.ts calls describeTargetContract with a fixture
 * that builds its target and says how its releases' files are had.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error.js';
import { isGroupAlive } from './local/is-group-alive.js';
import { parseServiceSpec, type ServiceSpecInput } from './service-spec.js';
import type { ReplicaEvent, ReplicaEventListener, Target, TargetRelease } from './target.js';

export const fixtureServicePath = fileURLToPath(new URL('./local/test-support/fixture-service.mjs', import.meta.url));
const start = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(fixtureServicePath)}`;
const fast = { path: '/ready', intervalMs: 50, timeoutMs: 500 };

export interface TargetContractFixture {
  target: Target;
  /** The release's files: `workdir` (the test's scratch dir) and, for targets that fetch them, `digest`. */
  files: { workdir: string; digest?: string };
  /** The release with files the target cannot have (a missing directory, a blob that is not stored). */
  unavailable(release: TargetRelease): TargetRelease;
  /** What the failure of such a release says besides `could not be started`. */
  unavailableMessage: RegExp;
  /** Tears down what the fixture started besides the target (closed by the suite first). */
  dispose(): Promise<void>;
}

/** `create` gets the test's scratch dir and the listener every replica event must reach. */
export function describeTargetContract(name: string, create: (dir: string, onEvent: ReplicaEventListener) => Promise<TargetContractFixture>): void {
  let dir: string;
  let fixture: TargetContractFixture;
  let target: Target;
  let events: ReplicaEvent[];
  const pids = new Set<number>();

  function release(overrides: Partial<ServiceSpecInput> = {}, version = 'v1'): TargetRelease {
    const service = parseServiceSpec({ name: 'web', start, readiness: fast, restartBackoffMs: 100, ...overrides });
    return { version, service, ...fixture.files };
  }

  async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${events.map((e) => e.type).join(',')}`);
      await sleep(20);
    }
  }

  /** A zombie (killed, not yet reaped by init) counts as gone. */
  function isRunning(pid: number): boolean {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }

  const seen = (type: ReplicaEvent['type'], count = 1) => events.filter((event) => event.type === type).length >= count;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), `slipway-${name}-target-`));
    events = [];
    fixture = await create(dir, (event) => {
      events.push(event);
      if (event.replica.pid !== undefined) pids.add(event.replica.pid);
    });
    target = fixture.target;
  });

  afterEach(async () => {
    try {
      await target.close();
      // No orphans: every process group a test started is gone once the target is closed.
      for (const pid of pids) expect(isGroupAlive(pid), `process group ${pid} left behind`).toBe(false);
    } finally {
      pids.clear();
      await fixture.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe(`${name} target (Target contract)`, () => {
  it('reports ready once the readiness probe passes, and serves on $PORT of 127.0.0.1', async () => {
    const replica = await target.startReplica(release({ env: { READY_AFTER_MS: '300', VERSION: 'v1' } }), 0);
    pids.add(replica.pid!);
    expect(replica).toMatchObject({ id: 'web-v1-0', state: 'starting', host: '127.0.0.1', restarts: 0 });
    expect(target.listReplicas().map((r) => r.id)).toEqual(['web-v1-0']);

    const ready = await target.waitForReady(replica.id, { timeoutMs: 10_000 });
    expect(ready.state).toBe('ready');
    expect(ready.readyAtMs! - ready.startedAtMs).toBeGreaterThanOrEqual(250);
    const response = await fetch(`${ready.url}/hello`);
    expect(await response.text()).toBe('v1 /hello');
    expect(events.map((event) => event.type)).toEqual(['ready']);
  });

  it('marks a ready replica unhealthy while readiness fails, and ready again when it passes, without a restart', async () => {
    const replica = await target.startReplica(
      release({ env: { READY_DOWN_FROM_MS: '800', READY_DOWN_UNTIL_MS: '1300' }, readiness: { ...fast, failureThreshold: 2 } }),
      0,
    );
    pids.add(replica.pid!);
    await waitFor('ready, unhealthy, ready', () => seen('ready', 2));
    expect(events.map((event) => event.type)).toEqual(['ready', 'unhealthy', 'ready']);
    expect(events[1]?.detail).toBe('readiness failed 2 times');
    expect(target.listReplicas()[0]).toMatchObject({ state: 'ready', restarts: 0, pid: replica.pid });
  });

  it('restarts a replica that crashes after it was ready', async () => {
    const marker = join(dir, 'crashed-once');
    const replica = await target.startReplica(release({ env: { CRASH_ONCE_FILE: marker, CRASH_AFTER_MS: '600' } }), 0);
    pids.add(replica.pid!);
    await waitFor('ready after a restart', () => seen('restarted') && seen('ready', 2));
    expect(events.map((event) => event.type)).toEqual(['ready', 'crashed', 'restarted', 'ready']);
    expect(events.find((event) => event.type === 'crashed')?.detail).toBe('exit code 3');
    const [now] = target.listReplicas();
    expect(now).toMatchObject({ state: 'ready', restarts: 1, port: replica.port });
  });

  it('kills and restarts a replica whose liveness probe fails failureThreshold times', async () => {
    const marker = join(dir, 'liveness-failed-once');
    const replica = await target.startReplica(
      release({
        env: { LIVE_FAIL_ONCE_FILE: marker },
        liveness: { path: '/live', intervalMs: 50, timeoutMs: 500, failureThreshold: 2 },
      }),
      0,
    );
    pids.add(replica.pid!);
    await waitFor('ready after a liveness restart', () => seen('restarted') && seen('ready', 2));
    expect(events.map((event) => event.type)).toEqual(['ready', 'unhealthy', 'restarted', 'ready']);
    expect(events[1]?.detail).toBe('liveness failed 2 times: HTTP 500');
    expect(target.listReplicas()[0]).toMatchObject({ state: 'ready', restarts: 1 });
    expect(target.listReplicas()[0]?.pid).not.toBe(replica.pid);
  });

  it('reports a start command that exits at once as a clear failure, without restarting it', async () => {
    const secret = 's3cr3t-value';
    const replica = await target.startReplica(release({ env: { EXIT_AT_ONCE: '2', VERSION: 'v1' }, secrets: { API_TOKEN: secret } }), 0);
    pids.add(replica.pid!);
    const error = await target.waitForReady(replica.id, { timeoutMs: 10_000 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isAppError(error) && error.code).toBe('failed_precondition');
    const message = (error as Error).message;
    expect(message).toContain('replica web-v1-0 exited with code 2 before it was ever ready');
    expect(message).toContain('fatal: missing config (token ***)');
    expect(message).not.toContain(secret);
    await sleep(400);
    expect(target.listReplicas()[0]).toMatchObject({ state: 'failed', restarts: 0, failure: { exitCode: 2 } });
    expect(events.map((event) => event.type)).toEqual(['failed']);
  });

  it('says the port is already in use when the command binds a taken port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const replica = await target.startReplica(release({ env: { BIND_PORT: String(taken) } }), 0);
      pids.add(replica.pid!);
      const error = await target.waitForReady(replica.id, { timeoutMs: 10_000 }).catch((caught: Error) => caught);
      expect((error as Error).message).toMatch(/port already in use: .*must listen on \$PORT/);
      expect((error as Error).message).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('reports release files it cannot have as a failure to start', async () => {
    const replica = await target.startReplica(fixture.unavailable(release()), 0);
    const error = await target.waitForReady(replica.id, { timeoutMs: 10_000 }).catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(/replica web-v1-0 could not be started/);
    expect((error as Error).message).toMatch(fixture.unavailableMessage);
    expect(events.map((event) => event.type)).toEqual(['failed']);
    await expect(target.stopReplica('web-v9-0')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stops gracefully within the timeout when the service honours SIGTERM', async () => {
    const replica = await target.startReplica(release({ stopTimeoutMs: 5_000 }), 0);
    pids.add(replica.pid!);
    await target.waitForReady(replica.id, { timeoutMs: 10_000 });
    const began = Date.now();
    await expect(target.stopReplica(replica.id)).resolves.toEqual({ forced: false });
    expect(Date.now() - began).toBeLessThan(3_000);
    expect(isGroupAlive(replica.pid!)).toBe(false);
    expect(target.listReplicas()).toEqual([]);
    expect(events.at(-1)?.type).toBe('stopped');
  });

  it('kills the whole group, grandchildren included, after the stop timeout', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const replica = await target.startReplica(release({ env: { IGNORE_SIGTERM: '1', GRANDCHILD_PID_FILE: pidFile } }), 0);
    pids.add(replica.pid!);
    await target.waitForReady(replica.id, { timeoutMs: 10_000 });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    const began = Date.now();
    await expect(target.stopReplica(replica.id, { timeoutMs: 400 })).resolves.toEqual({ forced: true });
    const tookMs = Date.now() - began;
    expect(tookMs).toBeGreaterThanOrEqual(390);
    expect(tookMs).toBeLessThan(5_000);
    expect(isGroupAlive(replica.pid!)).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('refuses a second replica with the same id and stops everything on close', async () => {
    const spec = release();
    const first = await target.startReplica(spec, 0);
    const second = await target.startReplica(spec, 1);
    pids.add(first.pid!).add(second.pid!);
    expect(first.port).not.toBe(second.port);
    await expect(target.startReplica(spec, 0)).rejects.toMatchObject({ code: 'already_exists' });
    await target.close();
    expect(target.listReplicas()).toEqual([]);
    await expect(target.startReplica(spec, 2)).rejects.toMatchObject({ code: 'failed_precondition' });
  });
});
}
