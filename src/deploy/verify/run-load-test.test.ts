/**
 * Real traffic against a node:http target on 127.0.0.1:0. Every test is bounded by a request count
 * or a duration of at most ~1 s, and the per-request timeouts are short.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { type LoadTestOptionsInput, parseLoadTestOptions } from './load-test-options.js';
import { type RunLoadTestDeps, runLoadTest } from './run-load-test.js';
import { findClosedPort, startTargetServer, type TargetServer } from './test-support/start-target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(async () => {
  await target.close();
});

function run(input: Omit<LoadTestOptionsInput, 'url'> & { url?: string }, deps: RunLoadTestDeps = {}) {
  return runLoadTest(parseLoadTestOptions({ url: `${target.url}/ok`, ...input }), deps);
}

it('closed model: sends exactly the requested count over at most `concurrency` kept-alive connections', async () => {
  const before = target.connections();
  const result = await run({ requests: 300, concurrency: 6 }, { clock: createManualClock(1_795_000_000_000) });
  expect(result).toMatchObject({ model: 'closed', startedAtMs: 1_795_000_000_000, started: 300, ok: 300, timeouts: 0, httpErrorsByStatus: {}, connectionErrorsByCode: {} });
  expect(result.latenciesMs).toHaveLength(300);
  expect(Math.min(...result.latenciesMs)).toBeGreaterThan(0);
  expect(target.connections() - before).toBeLessThanOrEqual(6);
});

it('measures latency: a 40 ms answer is reported as at least 40 ms', async () => {
  const result = await run({ url: `${target.url}/slow?ms=40`, requests: 8, concurrency: 4 });
  expect(result.ok).toBe(8);
  for (const ms of result.latenciesMs) expect(ms).toBeGreaterThanOrEqual(39);
  // Two rounds of 4 back to back.
  expect(result.elapsedMs).toBeGreaterThanOrEqual(79);
});

it('counts statuses outside the ok range as HTTP errors, by status, and honours a custom range', async () => {
  const result = await run({ url: `${target.url}/500`, requests: 20, concurrency: 2 });
  expect(result).toMatchObject({ ok: 0, httpErrorsByStatus: { '500': 20 } });
  expect(result.latenciesMs).toHaveLength(20);
  const notFoundIsFine = await run({ url: `${target.url}/404`, requests: 5, concurrency: 1, okStatusMin: 200, okStatusMax: 404 });
  expect(notFoundIsFine).toMatchObject({ ok: 5, httpErrorsByStatus: {} });
});

it('counts a socket the target destroys as a connection error, and keeps going on new connections', async () => {
  const result = await run({ url: `${target.url}/reset`, requests: 10, concurrency: 2 });
  expect(result.ok).toBe(0);
  expect(Object.values(result.connectionErrorsByCode).reduce((a, b) => a + b, 0)).toBe(10);
  expect(result.latenciesMs).toHaveLength(0);
});

it('counts a refused connection as a connection error with its code', async () => {
  const port = await findClosedPort();
  const result = await run({ url: `http://127.0.0.1:${port}/`, requests: 5, concurrency: 2 });
  expect(result.connectionErrorsByCode).toEqual({ ECONNREFUSED: 5 });
});

it('times out a request that never gets an answer after timeoutMs, and stops', async () => {
  const started = performance.now();
  const result = await run({ url: `${target.url}/hang`, requests: 4, concurrency: 4, timeoutMs: 150 });
  expect(result).toMatchObject({ started: 4, ok: 0, timeouts: 4, connectionErrorsByCode: {} });
  expect(result.elapsedMs).toBeGreaterThanOrEqual(149);
  expect(performance.now() - started).toBeLessThan(2000);
});

it('stops starting requests at durationMs', async () => {
  const result = await run({ url: `${target.url}/slow?ms=20`, durationMs: 300, concurrency: 2 });
  // 2 workers × 300 ms / ≥ 20 ms each: at most 30 (+2 in flight at the deadline).
  expect(result.started).toBeGreaterThan(2);
  expect(result.started).toBeLessThanOrEqual(32);
  expect(result.elapsedMs).toBeGreaterThanOrEqual(300);
  expect(result.elapsedMs).toBeLessThan(1300);
});

it('open model: paces requests by rate, not by how fast the target answers', async () => {
  const result = await run({ rate: 100, requests: 30, concurrency: 10 });
  expect(result).toMatchObject({ model: 'open', started: 30, ok: 30, missedStarts: 0 });
  // Request 29 is due at 290 ms; a closed model would have finished in a few ms.
  expect(result.elapsedMs).toBeGreaterThanOrEqual(290);
  expect(result.elapsedMs).toBeLessThan(1500);
});

it('open model: counts requests that could not start on time when every slot is busy', async () => {
  // 100 req/s wanted, but 2 slots × 200 ms answers allow only 10 req/s.
  const result = await run({ url: `${target.url}/slow?ms=200`, rate: 100, durationMs: 500, concurrency: 2, timeoutMs: 1000 });
  expect(result.started).toBeLessThanOrEqual(6);
  expect(result.lateStarts).toBeGreaterThan(0);
  expect(result.missedStarts).toBeGreaterThan(30);
  expect(result.started + result.missedStarts).toBeLessThanOrEqual(50);
});

it('picks paths at random, reproducibly for a seed', async () => {
  const sequence = async (seed: number) => {
    const from = target.paths.length;
    await run({ url: target.url, paths: ['/ok', '/404', '/500'], requests: 30, concurrency: 1, seed, okStatusMax: 599 });
    return target.paths.slice(from);
  };
  const first = await sequence(7);
  expect(new Set(first)).toEqual(new Set(['/ok', '/404', '/500']));
  expect(await sequence(7)).toEqual(first);
  expect(await sequence(8)).not.toEqual(first);
  // A warm-up does not shift the measured run's sequence: it is the seed's from its first request.
  const from = target.paths.length;
  let measuredFrom = -1;
  await run(
    { url: target.url, paths: ['/ok', '/404', '/500'], requests: 30, concurrency: 1, seed: 7, okStatusMax: 599, warmupMs: 50 },
    { beforeMeasuring: () => (measuredFrom = target.paths.length) },
  );
  expect(measuredFrom).toBeGreaterThan(from);
  expect(target.paths.slice(measuredFrom)).toEqual(first);
});

it('stops early when the signal is aborted, still bounded', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const result = await run({ url: `${target.url}/slow?ms=10`, durationMs: 10_000, concurrency: 2 }, { signal: controller.signal });
  expect(result.aborted).toBe(true);
  expect(result.elapsedMs).toBeLessThan(1000);
});

it('HEAD: ends each request at the headers, without waiting for the body they announce', async () => {
  const result = await run({ method: 'HEAD', requests: 20, concurrency: 2, timeoutMs: 500 });
  expect(result).toMatchObject({ ok: 20, timeouts: 0, connectionErrorsByCode: {} });
  expect(Math.max(...result.latenciesMs)).toBeLessThan(400);
});

it('warm-up: loads first on the same connections, drops those results, measures only after every warm-up request ended', async () => {
  const connectionsBefore = target.connections();
  const requestsBefore = target.paths.length;
  let seenBeforeMeasuring = -1;
  const result = await run(
    { url: `${target.url}/slow?ms=5`, warmupMs: 150, requests: 40, concurrency: 4 },
    { beforeMeasuring: () => (seenBeforeMeasuring = target.paths.length - requestsBefore) },
  );
  // ~150 ms / 5 ms × 4 workers of warm-up, none of them in the measured run.
  expect(seenBeforeMeasuring).toBeGreaterThan(20);
  expect(result).toMatchObject({ started: 40, ok: 40 });
  expect(result.latenciesMs).toHaveLength(40);
  expect(target.paths.length - requestsBefore - seenBeforeMeasuring).toBe(40);
  // Warm-up and measured run shared the same four connections.
  expect(target.connections() - connectionsBefore).toBe(4);
});

it('warm-up in the open model paces itself and then the measured run by the same rate', async () => {
  const requestsBefore = target.paths.length;
  let warmed = -1;
  const result = await run({ rate: 200, warmupMs: 100, requests: 20, concurrency: 5 }, { beforeMeasuring: () => (warmed = target.paths.length - requestsBefore) });
  // 100 ms at 200/s: 20 (request 0 starts at once, so 21 at most).
  expect(warmed).toBeGreaterThanOrEqual(15);
  expect(warmed).toBeLessThanOrEqual(21);
  expect(result).toMatchObject({ model: 'open', started: 20, ok: 20, missedStarts: 0 });
});

it('calls beforeMeasuring without a warm-up too, before the first request', async () => {
  const requestsBefore = target.paths.length;
  let seen = -1;
  await run({ requests: 5, concurrency: 1 }, { beforeMeasuring: () => (seen = target.paths.length - requestsBefore) });
  expect(seen).toBe(0);
});
