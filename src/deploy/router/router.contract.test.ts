/**
 * One contract for every TrafficRouter: the built-in node:http router, and HAProxy (Debian's
 * /usr/sbin/haproxy, started with a generated config). HAProxy tests skip when it is not installed,
 * unless SLIPWAY_REQUIRE_SERVICES=1, which makes that a failure.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createBuiltinRouter } from './builtin/router.js';
import { createHaproxyRouter } from './haproxy/router.js';
import type { RequestEvent, RouterOptions, RouterWeights, TrafficRouter } from './router.js';
import { type TestBackend, createTestClient, eventually, reserveDeadPort, startTestBackend } from './test-support/start-test-backends.js';

interface Variant {
  open(options: RouterOptions): Promise<TrafficRouter>;
  /** True while anything the router started is still running. */
  isRunning(router: TrafficRouter): boolean;
}

const haproxyPath = '/usr/sbin/haproxy';
const requireServices = process.env.SLIPWAY_REQUIRE_SERVICES === '1';

const variants: Record<string, Variant | string> = {
  builtin: { open: (options) => createBuiltinRouter(options), isRunning: () => false },
  haproxy: existsSync(haproxyPath)
    ? {
        // A short connect timeout: it is also HAProxy's delay before retrying a refused connection.
        open: (options) => createHaproxyRouter({ ...options, haproxyPath, connectTimeoutMs: 500, maxServices: 2, maxBackendsPerService: 4 }),
        isRunning: (router) => isAlive((router as TrafficRouter & { pid: number }).pid),
      }
    : `${haproxyPath} is not installed (apt-get install haproxy)`,
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const service = 'web';

for (const [name, variantOrReason] of Object.entries(variants)) {
  if (typeof variantOrReason === 'string') {
    if (requireServices) {
      it(`TrafficRouter contract [${name}]`, () => {
        throw new Error(`SLIPWAY_REQUIRE_SERVICES=1 but ${variantOrReason}`);
      });
    } else {
      console.warn(`TrafficRouter contract [${name}] is SKIPPED: ${variantOrReason}. SLIPWAY_REQUIRE_SERVICES=1 makes this a failure.`);
      describe.skip(`TrafficRouter contract [${name}]`, () => {});
    }
    continue;
  }
  const variant = variantOrReason;
  describe(`TrafficRouter contract [${name}]`, () => {
    let stable: TestBackend;
    let canary: TestBackend;
    beforeAll(async () => {
      stable = await startTestBackend('stable-0', 'v1', 'stable');
      canary = await startTestBackend('canary-0', 'v2', 'canary');
    });
    afterAll(async () => {
      await Promise.all([stable?.stop(), canary?.stop()]);
    });

    /** A router with both backends, closed (and checked stopped) when the test ends. */
    async function openRouter(options: RouterOptions = {}, weights: RouterWeights = { stable: 100, canary: 0 }) {
      const events: RequestEvent[] = [];
      const router = await variant.open({ ...options, onRequest: (e) => events.push(e) });
      onTestFinished(() => router.close());
      await router.setBackends(service, [stable, canary]);
      await router.setWeights(service, weights);
      return { router, events };
    }

    function clientOf(router: TrafficRouter) {
      const client = createTestClient(router.url, service);
      onTestFinished(() => client.close());
      return client;
    }

    async function countVersions(router: TrafficRouter, requests: number, concurrency = 4): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      let left = requests;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          const client = clientOf(router);
          while (left-- > 0) {
            const res = await client.get();
            expect(res.status).toBe(200);
            expect(res.body).toBe(res.version);
            counts.set(res.body, (counts.get(res.body) ?? 0) + 1);
          }
        }),
      );
      return counts;
    }

    it('sends everything to stable at 100/0 and says which version served', async () => {
      const { router } = await openRouter();
      expect(router.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await countVersions(router, 40)).toEqual(new Map([['v1', 40]]));
    });

    it('splits 90/10 by weight', async () => {
      const { router } = await openRouter({}, { stable: 90, canary: 10 });
      const counts = await countVersions(router, 400);
      const share = (counts.get('v2') ?? 0) / 400;
      expect(share).toBeGreaterThanOrEqual(0.05);
      expect(share).toBeLessThanOrEqual(0.18);
      const state = (await router.readState()).services[service]!;
      expect(state.versions).toEqual({ v1: 90, v2: 10 });
      expect(state.weights).toEqual({ stable: 90, canary: 10 });
      expect(state.backends.map((b) => [b.id, b.ready])).toEqual([
        ['stable-0', true],
        ['canary-0', true],
      ]);
    });

    it('weights versions by name over tracks', async () => {
      const { router } = await openRouter({}, { stable: 100, v2: 100 });
      const counts = await countVersions(router, 40);
      expect(counts.get('v1')).toBeGreaterThan(0);
      expect(counts.get('v2')).toBeGreaterThan(0);
    });

    it('spreads a version over its replicas', async () => {
      const second = await startTestBackend('stable-1', 'v1', 'stable');
      onTestFinished(() => second.stop());
      const { router, events } = await openRouter();
      await router.setBackends(service, [stable, second, canary]);
      expect(await countVersions(router, 20)).toEqual(new Map([['v1', 20]]));
      await eventually(() => expect(new Set(events.map((e) => e.backendId))).toEqual(new Set(['stable-0', 'stable-1'])));
      expect((await router.readState()).services[service]!.versions).toEqual({ v1: 100, v2: 0 });
    });

    it('applies weight changes at runtime without failing a request', async () => {
      const { router } = await openRouter();
      const seen = new Set<string>();
      const failures: string[] = [];
      let served = 0;
      let stop = false;
      const load = Promise.all(
        Array.from({ length: 4 }, async () => {
          const client = clientOf(router);
          // Bounded in count as well as by the switches below.
          for (let i = 0; i < 300 && !stop; i++) {
            const res = await client.get().catch((err: Error) => ({ status: 0, version: undefined, body: err.message }));
            if (res.status !== 200) failures.push(`${res.status} ${res.body}`);
            else seen.add(res.version!);
            served++;
          }
        }),
      );
      for (const weights of [{ stable: 50, canary: 50 }, { stable: 0, canary: 100 }, { stable: 90, canary: 10 }, { stable: 100, canary: 0 }]) {
        const before = served;
        await eventually(() => expect(served).toBeGreaterThanOrEqual(Math.min(before + 20, 1200)), 15_000, 5);
        await router.setWeights(service, weights);
      }
      stop = true;
      await load;
      expect(failures).toEqual([]);
      expect(seen).toEqual(new Set(['v1', 'v2']));
    });

    for (const sticky of [{ cookie: 'slipway_sticky' }, { header: 'x-user' }]) {
      const kind = 'cookie' in sticky ? 'cookie' : 'header';
      /** Six clients, each identified by its cookie jar or its x-user header. */
      function stickyClients(router: TrafficRouter) {
        return Array.from({ length: 6 }, (_, i) => {
          const client = clientOf(router);
          const headers: Record<string, string> = 'header' in sticky ? { 'x-user': `user-${i}-${name}` } : {};
          return { get: () => client.get(headers), client };
        });
      }

      it(`keeps a client on one version, sticky by ${kind}`, async () => {
        const { router } = await openRouter({ sticky }, { stable: 50, canary: 50 });
        const versions = new Set<string>();
        for (const client of stickyClients(router)) {
          const first = await client.get();
          expect(first.status).toBe(200);
          versions.add(first.version!);
          for (let i = 0; i < 8; i++) expect((await client.get()).version).toBe(first.version);
          if (kind === 'cookie') expect(client.client.cookies.has(sticky.cookie!)).toBe(true);
        }
        // Stickiness that pinned everyone to one version would not be weighting anything.
        expect(versions).toEqual(new Set(['v1', 'v2']));
      });

      it(`moves sticky (${kind}) canary clients at once when canary weight goes to 0`, async () => {
        const { router } = await openRouter({ sticky }, { stable: 50, canary: 50 });
        const clients = stickyClients(router);
        const onCanary = [];
        for (const client of clients) if ((await client.get()).version === 'v2') onCanary.push(client);
        expect(onCanary.length).toBeGreaterThan(0);
        await router.setWeights(service, { stable: 100, canary: 0 });
        for (const client of clients) expect((await client.get()).version).toBe('v1');
        // And they stay moved: the new placement is sticky too.
        await router.setWeights(service, { stable: 50, canary: 50 });
        for (const client of onCanary) expect((await client.get()).version).toBe('v1');
      });
    }

    it('answers 502/503 with a clear body when the backend is down, and keeps serving', async () => {
      const { router, events } = await openRouter();
      const dead = { id: 'dead-0', version: 'v3', track: 'canary' as const, host: '127.0.0.1', port: await reserveDeadPort() };
      await router.setBackends(service, [stable, dead]);
      await router.setWeights(service, { stable: 0, v3: 100 });
      const client = clientOf(router);
      const res = await client.get();
      expect([502, 503]).toContain(res.status);
      expect(res.body.length).toBeGreaterThan(10);
      await eventually(() => expect(events.find((e) => e.status === res.status)?.error).toBeTruthy());
      await router.setWeights(service, { stable: 100, v3: 0 });
      expect((await client.get()).version).toBe('v1');
    });

    it('answers 503 when no version has weight', async () => {
      const { router } = await openRouter({}, { stable: 0, canary: 0 });
      const res = await clientOf(router).get();
      expect(res.status).toBe(503);
      expect(res.body.length).toBeGreaterThan(10);
      expect((await router.readState()).services[service]!.backends.every((b) => !b.ready)).toBe(true);
    });

    it('answers 404 for a Host that names no service, and routes a defaultService', async () => {
      const { router } = await openRouter();
      expect((await createTestClient(router.url, 'nosuch').get()).status).toBe(404);
      const withDefault = await variant.open({ defaultService: service });
      onTestFinished(() => withDefault.close());
      await withDefault.setBackends(service, [stable]);
      const res = await createTestClient(withDefault.url, '127.0.0.1').get();
      expect(res.status).toBe(200);
      expect(res.version).toBe('v1');
    });

    it('reports every request: service, version, track, status, latency, time', async () => {
      const { router, events } = await openRouter({}, { stable: 50, canary: 50 });
      const startedMs = Date.now();
      const client = clientOf(router);
      const served = [];
      for (let i = 0; i < 20; i++) served.push((await client.get()).version);
      await eventually(() => expect(events.length).toBeGreaterThanOrEqual(20));
      expect(events.map((e) => e.version).sort()).toEqual([...served].sort());
      for (const e of events) {
        expect(e).toMatchObject({ service, status: 200, track: e.version === 'v1' ? 'stable' : 'canary' });
        expect(e.backendId).toBe(e.version === 'v1' ? 'stable-0' : 'canary-0');
        expect(e.error).toBeUndefined();
        expect(e.latencyMs).toBeGreaterThanOrEqual(0);
        expect(e.latencyMs).toBeLessThan(5_000);
        expect(e.timeMs).toBeGreaterThanOrEqual(startedMs - 1_000);
        expect(e.timeMs).toBeLessThanOrEqual(Date.now() + 1_000);
      }
    });

    it('rejects invalid input with invalid_argument', async () => {
      const { router } = await openRouter();
      await expect(router.setBackends('Not A Label', [])).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(router.setBackends(service, [{ ...stable, host: 'localhost' }])).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(router.setBackends(service, [stable, { ...canary, id: stable.id }])).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(router.setWeights(service, { canary: 101 })).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(router.setWeights(service, { canary: -1 })).rejects.toMatchObject({ code: 'invalid_argument' });
    });

    it('stops everything on close()', async () => {
      const router = await variant.open({});
      await router.setBackends(service, [stable]);
      expect((await createTestClient(router.url, service).get()).status).toBe(200);
      await router.close();
      await router.close();
      expect(variant.isRunning(router)).toBe(false);
      await expect(createTestClient(router.url, service).get()).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/);
    });
  });
}
