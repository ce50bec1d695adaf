// Decision latency: the telemetry event that completes a window's evidence is published to
// `telemetry.raw` → the canary engine decides → the decision is stored (PGlite, in memory) → a
// WatchDecisions client (Connect over gRPC, h2c on 127.0.0.1) receives it. Target: p99 < 50 ms.
// Per rollout: a batch of failing canary requests in one bucket is published first (its first event
// makes the engine's first, empty window: a PAUSE, awaited and not measured); then one later event
// moves the watermark past the bucket — the clock starts just before that publish and stops when the
// client receives the rollout's ROLLBACK. Rollouts run one after another, so each number is one
// decision's latency, not a queue's. Memory bus and Redis Streams side by side in one run.
// Run after `npm run build`: node bench/decision-latency.mjs [decisions] [--no-record]
// REDIS_URL (default redis://127.0.0.1:6379); an unreachable Redis is reported as skipped. Redis keys
// live under a fresh prefix, deleted after. Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { createBus } from '../dist/bus/index.js';
import { createRollout, encodeTelemetryEvents, parsePolicy, startCanaryService, telemetryTopic } from '../dist/canary/index.js';
import { Action, CanaryService } from '../dist/canary/gen/slipway/canary/v1/canary_pb.js';
import { systemClock } from '../dist/clock/clock.js';
import { openStore } from '../dist/store/index.js';
import { deleteRedisKeys } from './lib/redis-keys.mjs';
import { appendResultLine } from './lib/results-file.mjs';

const DECISIONS = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 200);
const WARMUP = 20;
const RECORD = !process.argv.includes('--no-record');
const EVENTS_PER_WINDOW = 50;
const DECISION_TIMEOUT_MS = 10_000;
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const prefix = `bench${randomBytes(4).toString('hex')}`;
const silent = { info() {}, warn() {}, error(object, message) { console.error(message, object); } };

const policy = parsePolicy(
  `apiVersion: slipway/v1
name: bench
windowSeconds: 1
bucketSeconds: 1
allowedLatenessSeconds: 0
minSamples: 10
stepDurationSeconds: 60
rules:
  - { name: error-rate, metric: error_rate, compare: { max: 0.05 }, counting: consecutive, failures: 1, action: ROLLBACK }
`,
  'bench',
);
if (!policy.ok) throw new Error(`bench policy: ${JSON.stringify(policy.diagnostics)}`);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (ms) => Math.round(ms * 100) / 100;

async function measure(kind, url) {
  let bus;
  try {
    bus = await createBus({ kind, url, prefix });
  } catch (error) {
    return { skipped: error.message };
  }
  const store = await openStore({});
  const canary = await startCanaryService({ db: store.db, bus, clock: systemClock, logger: silent, grpcPort: 0, policy: policy.policy, pollIntervalMs: 60_000 });
  const client = createClient(CanaryService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${canary.grpcPort}` }));
  const stop = new AbortController();
  const waiters = new Map();
  const watching = (async () => {
    try {
      for await (const { decision } of client.watchDecisions({ afterSequence: 0n }, { signal: stop.signal })) {
        const key = `${decision.rolloutId}/${Action[decision.action]}`;
        waiters.get(key)?.(performance.now());
        waiters.delete(key);
      }
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
  })();
  const received = (rolloutId, action) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind}: no ${action} for ${rolloutId} within ${DECISION_TIMEOUT_MS} ms`)), DECISION_TIMEOUT_MS);
      waiters.set(`${rolloutId}/${action}`, (atMs) => {
        clearTimeout(timer);
        resolve(atMs);
      });
    });
  const event = (rollout, eventTimeMs, isError) => ({ service: 'web', rollout, version: 'v2', track: 'canary', eventTimeMs, latencyMs: 5, statusCode: isError ? 500 : 200, isError });
  try {
    const latencies = [];
    for (let i = 0; i < WARMUP + DECISIONS; i++) {
      const rollout = `${kind}-${i}`;
      await createRollout(store.db, systemClock, { id: rollout, service: 'web', policyVersion: policy.policy.version });
      const bucketMs = Math.floor(Date.now() / 1000) * 1000 - 2000;
      const failing = Array.from({ length: EVENTS_PER_WINDOW }, (_, j) => event(rollout, bucketMs + j * 10, j % 2 === 0));
      const paused = received(rollout, 'PAUSE');
      await bus.publish(telemetryTopic, encodeTelemetryEvents(failing));
      await paused;
      const rolledBack = received(rollout, 'ROLLBACK');
      const startedMs = performance.now();
      await bus.publish(telemetryTopic, encodeTelemetryEvents([event(rollout, bucketMs + 1000, false)]));
      const receivedMs = await rolledBack;
      if (i >= WARMUP) latencies.push(receivedMs - startedMs);
    }
    latencies.sort((a, b) => a - b);
    return {
      decisions: latencies.length,
      p50Ms: round(percentile(latencies, 50)),
      p90Ms: round(percentile(latencies, 90)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1)),
      meanMs: round(latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length),
    };
  } finally {
    stop.abort();
    await watching.catch(() => {});
    await canary.close();
    await bus.close();
    await store.close();
  }
}

async function cleanUp() {
  await deleteRedisKeys(redisUrl, prefix);
}

try {
  const before = loadavg().map((n) => Math.round(n * 100) / 100);
  const result = {
    bench: 'decision-latency',
    target: 'p99 < 50 ms',
    memory: await measure('memory'),
    redis: await measure('redis', redisUrl),
    store: 'pglite (in memory)',
    transport: 'WatchDecisions, Connect gRPC over h2c',
    warmup: WARMUP,
    loadavg: { before, after: loadavg().map((n) => Math.round(n * 100) / 100) },
    node: process.version,
    cpus: cpus().length,
  };
  const line = JSON.stringify(result);
  console.log(line);
  if (RECORD) appendResultLine(join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md'), `- ${new Date().toISOString()} decision-latency: ${line}`);
} finally {
  await cleanUp();
}
