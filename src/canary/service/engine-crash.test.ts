/**
 * The canary engine's durability contract (start-canary-service.ts), proven the hard way: the engine
 * runs in a child process on dist/ that is `kill -9`ed at random points while a producer streams
 * telemetry of several rollouts to `telemetry.raw` on real Redis; after the last restart the stored
 * decisions must be exactly those of an uninterrupted run (the backtest of each rollout's events):
 * same idempotency keys and actions, none twice, none missing. Needs PostgreSQL and Redis; skipped
 * when either is unreachable unless SLIPWAY_REQUIRE_SERVICES=1.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { postgresUrlWithSchema } from '../../api/reliability/isolated-database.js';
import { createRedisBus } from '../../bus/redis/bus.js';
import { busServices, requireServices, testRedisUrl, uniquePrefix } from '../../bus/test-support/bus-services.js';
import { systemClock } from '../../clock/clock.js';
import { createStore } from '../../store/open-store.js';
import { describePostgres } from '../../test-support/test-store.js';
import { decodeTelemetryPayload, telemetryTopic } from '../api/decode-telemetry-payload.js';
import { encodeTelemetryEvents } from '../api/encode-telemetry-events.js';
import type { IngestedEvent } from '../api/ingested-event.js';
import { createRollout } from '../decisions/create-rollout.js';
import { fromEngineDecision } from '../decisions/from-engine-decision.js';
import { createPrng } from '../../clock/create-prng.js';
import { runBacktest } from '../engine/backtest.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { TelemetryEvent } from '../windows/telemetry-event.js';

const enginePath = fileURLToPath(new URL('./test-support/engine-process.mjs', import.meta.url));
const redisProbe = busServices.find((service) => service.name === 'redis')!.probe;

const policyYaml = `apiVersion: slipway/v1
name: crash-test
windowSeconds: 10
bucketSeconds: 1
allowedLatenessSeconds: 1
minSamples: 20
stepDurationSeconds: 15
rules:
  - name: error-rate
    metric: error_rate
    compare: { max: 0.1 }
    counting: consecutive
    failures: 2
    action: ROLLBACK
  - name: latency-p99
    metric: latency_p99
    compare: { maxRatioTo: baseline, factor: 1.5 }
    counting: consecutive
    failures: 2
    action: PAUSE
`;

const kills = 15;
const sliceMs = 500;
const slices = 180;
const eventsPerTrackPerSlice = 10;
const startMs = 1_760_000_000_000;
const ackWaitMs = 2000;

interface RolloutShape {
  name: string;
  /** Canary error rate from `fromSecond` on (the baseline keeps 1%). */
  errorRate?: number;
  /** Canary latency multiplier from `fromSecond` on. */
  slowdown?: number;
  fromSecond?: number;
}

// Pairs share messages, so a message is acked only once both of its rollouts are final.
const pairs: [RolloutShape, RolloutShape][] = [
  [{ name: 'ok-a' }, { name: 'fail-a', errorRate: 0.3, fromSecond: 25 }],
  [
    { name: 'fail-b', errorRate: 0.3, fromSecond: 20 },
    { name: 'fail-c', errorRate: 0.35, fromSecond: 40 },
  ],
  [{ name: 'ok-b' }, { name: 'slow-a', slowdown: 3, fromSecond: 30 }],
];

function makeMessages(tag: string): Uint8Array[] {
  const random = createPrng(42);
  const messages: Uint8Array[] = [];
  for (let slice = 0; slice < slices; slice += 1) {
    for (const pair of pairs) {
      const events: IngestedEvent[] = [];
      for (const shape of pair) {
        for (const track of ['baseline', 'canary'] as const) {
          for (let i = 0; i < eventsPerTrackPerSlice; i += 1) {
            const eventTimeMs = startMs + slice * sliceMs + Math.floor(random() * sliceMs);
            const affected = track === 'canary' && (eventTimeMs - startMs) / 1000 >= (shape.fromSecond ?? 0);
            const errorRate = affected && shape.errorRate !== undefined ? shape.errorRate : 0.01;
            const latencyMs = (20 + random() * 30) * (affected && shape.slowdown !== undefined ? shape.slowdown : 1);
            const isError = random() < errorRate;
            events.push({
              rollout: `${tag}-${shape.name}`,
              track,
              eventTimeMs,
              latencyMs: Math.round(latencyMs * 10) / 10,
              isError,
              service: 'shop',
              version: track === 'canary' ? 'v2' : 'v1',
              statusCode: isError ? 500 : 200,
            });
          }
        }
      }
      messages.push(encodeTelemetryEvents(events));
    }
  }
  return messages;
}

/** What an uninterrupted engine stores: each rollout's events, in stream order, through the backtest. */
async function computeExpected(messages: readonly Uint8Array[], policyText: string): Promise<Map<string, string>> {
  const parsed = parsePolicy(policyText, 'crash-test.yml');
  if (!parsed.ok) throw new Error(parsed.diagnostics[0]?.message);
  const byRollout = new Map<string, TelemetryEvent[]>();
  for (const message of messages) {
    for (const event of decodeTelemetryPayload(message)) {
      const list = byRollout.get(event.rollout) ?? [];
      list.push(event);
      byRollout.set(event.rollout, list);
    }
  }
  const expected = new Map<string, string>();
  for (const events of byRollout.values()) {
    const result = await runBacktest({ policy: parsed.policy, records: events.map((event) => ({ kind: 'event' as const, event })) });
    for (const decision of result.decisions) {
      const input = fromEngineDecision(decision);
      if (input === undefined) continue;
      if (expected.has(input.idempotencyKey)) throw new Error(`the reference run itself repeats ${input.idempotencyKey}`);
      expected.set(input.idempotencyKey, input.action);
    }
  }
  return expected;
}

interface EngineChild {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  exited: Promise<void>;
  stderr(): string;
}

function startEngine(env: Record<string, string>): EngineChild {
  const child = spawn(process.execPath, [enginePath], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (data: string) => {
      out += data;
      if (out.includes('ready\n')) resolve();
    });
    void exited.then(() => reject(new Error(`the engine process exited before it was ready: ${err}`)));
  });
  ready.catch(() => {});
  child.stderr.setEncoding('utf8').on('data', (data: string) => {
    err += data;
  });
  return { child, ready, exited, stderr: () => err };
}

async function killEngine(engine: EngineChild): Promise<void> {
  if (engine.child.exitCode === null && engine.child.signalCode === null) engine.child.kill('SIGKILL');
  await engine.exited;
}

async function withDeadline<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describePostgres('canary engine under kill -9', (harness) => {
  it.skipIf(!redisProbe.ok && !requireServices)(
    'stores every decision of an uninterrupted run exactly once, however often it is killed',
    async () => {
      if (!redisProbe.ok) throw new Error(`SLIPWAY_REQUIRE_SERVICES=1 but ${redisProbe.reason}`);
      const began = Date.now();
      const empty = await harness.createEmptyDatabase();
      const { databaseUrl, schema } = empty.openStoreOptions ?? {};
      if (!databaseUrl || !schema) throw new Error('the crash test needs the postgres harness');
      const db = await empty.connect();
      await createStore(db);

      const prefix = uniquePrefix();
      const tag = prefix.slice(-8);
      const messages = makeMessages(tag);
      const expected = await computeExpected(messages, policyYaml);
      const policyVersion = parsePolicy(policyYaml, 'crash-test.yml');
      if (!policyVersion.ok) throw new Error('invalid test policy');
      for (const pair of pairs) {
        for (const shape of pair) await createRollout(db, systemClock, { id: `${tag}-${shape.name}`, service: 'shop', policyVersion: policyVersion.policy.version });
      }

      const dir = await mkdtemp(join(tmpdir(), 'engine-crash-'));
      const policyFile = join(dir, 'policy.yml');
      await writeFile(policyFile, policyYaml);
      const env = {
        DATABASE_URL: postgresUrlWithSchema(databaseUrl, schema),
        REDIS_URL: testRedisUrl,
        BUS_PREFIX: prefix,
        POLICY_FILE: policyFile,
        ENGINE_CONSUMER: 'crash-test-engine',
        ENGINE_ACK_WAIT_MS: String(ackWaitMs),
      };
      const bus = await createRedisBus({ url: testRedisUrl, prefix });
      const redis = new Redis(testRedisUrl);
      const readStored = async () =>
        (await db.query<{ idempotency_key: string; action: string }>('SELECT idempotency_key, action FROM canary_decisions')).rows;
      let engine: EngineChild | undefined;
      try {
        // The group exists before the first message, as it would with a running server.
        await (await bus.subscribe(telemetryTopic, { group: 'canary-engine', consumer: 'crash-test-setup' }, () => {})).close();

        let published = 0;
        const producing = (async () => {
          const perBatch = 9;
          for (let i = 0; i < messages.length; i += perBatch) {
            await bus.publishBatch(telemetryTopic, messages.slice(i, i + perBatch));
            published = Math.min(messages.length, i + perBatch);
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        })();

        const killedWith: { published: number; stored: number; notYetStored: number }[] = [];
        const random = createPrng(Date.now() & 0xffff);
        for (let kill = 0; kill < kills; kill += 1) {
          engine = startEngine(env);
          await withDeadline('the engine process to start', 20_000, engine.ready);
          await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(random() * 1100)));
          await killEngine(engine);
          const storedAtKill = new Set((await readStored()).map((row) => row.idempotency_key));
          const notYetStored = [...expected.keys()].filter((key) => !storedAtKill.has(key)).length;
          killedWith.push({ published, stored: storedAtKill.size, notYetStored });
        }
        await producing;

        engine = startEngine(env);
        await withDeadline('the last engine process to start', 20_000, engine.ready);
        const deadline = Date.now() + 30_000;
        let stored = await readStored();
        while (stored.length < expected.size && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          stored = await readStored();
        }
        // Messages whose rollouts are all rolled back are acked (on redelivery after ackWaitMs).
        const allFinal = pairs.filter((pair) => pair.every((shape) => [...expected].some(([key, action]) => key.startsWith(`${tag}-${shape.name}/`) && action === 'ROLLBACK')));
        const ackable = allFinal.length * slices;
        const streamKey = `${prefix}:${telemetryTopic}`;
        const countPending = async () => Number(((await redis.xpending(streamKey, 'canary-engine')) as [number])[0]);
        while ((await countPending()) > messages.length - ackable && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
        stored = await readStored();

        const storedKeys = stored.map((row) => row.idempotency_key);
        const duplicates = storedKeys.length - new Set(storedKeys).size;
        const missing = [...expected.keys()].filter((key) => !storedKeys.includes(key));
        const extra = stored.filter((row) => expected.get(row.idempotency_key) !== row.action);
        const pending = await countPending();
        const midStream = killedWith.filter((k) => k.notYetStored > 0).length;
        console.log(
          JSON.stringify({
            kills: killedWith.length,
            killsBeforeAllDecisionsStored: midStream,
            killedAt: killedWith,
            expectedDecisions: expected.size,
            expectedActions: countBy([...expected.values()]),
            storedDecisions: stored.length,
            duplicates,
            missing: missing.length,
            extraOrDifferent: extra.length,
            messages: messages.length,
            pendingAtEnd: pending,
            ackableMessages: ackable,
            elapsedMs: Date.now() - began,
          }),
        );
        expect(expected.size).toBeGreaterThan(6);
        expect(new Set(expected.values())).toEqual(new Set(['PROMOTE', 'ROLLBACK', 'PAUSE']));
        expect(duplicates).toBe(0);
        expect(missing).toEqual([]);
        expect(extra).toEqual([]);
        expect(stored.length).toBe(expected.size);
        // A test that cannot fail is a defect: most kills must land before the decisions were all in.
        expect(midStream).toBeGreaterThan(kills / 2);
        expect(pending).toBeLessThanOrEqual(messages.length - ackable);
        expect(engine.stderr()).not.toMatch(/"level":"error"/);
      } finally {
        if (engine) await killEngine(engine);
        await bus.close();
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
        await rm(dir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
