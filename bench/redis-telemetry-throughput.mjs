// End to end through Redis Streams (issue target): ≥ 1 M events/s from the producer's first publish
// to the moment the canary engine's window state holds every event, on this 2-core machine; reported
// beside redis-benchmark XADD measured in the same run, as the ratio events/s ÷ XADD entries/s.
// Method: a producer child process builds MESSAGES TelemetryBatch messages of EVENTS_PER_MESSAGE events
// each with the product's encoder (encodeTelemetryEvents, the compact column form the built-in router
// publishes), before the clock starts (the encode rate is reported apart: on a real installation it is
// the routers' CPU, not this one's). ROLLOUTS rollouts, canary and baseline alternating, lognormal-ish
// latency, 1 % errors; message m carries rollout m % ROLLOUTS and event time advances at EVENT_RATE
// events per second of event time overall, so windows slide and the default policy evaluates every
// rollout once per second of event time. On the parent's "go" the producer publishes them through
// Slipway's Redis bus (publishBatch, PUBLISH_BATCH messages per pipeline, IN_FLIGHT pipelines at once).
// The parent runs the real canary service (startCanaryService: Redis bus, consumer group
// `canary-engine`, lagging acks as the product does, decisions stored in PGlite in memory) and polls
// engine.countAccepted() every millisecond: the run ends when it equals the events published, with 0
// rejected. Events/s = events ÷ (that moment − the producer's first publish, both epoch ms from
// performance.timeOrigin on the same host).
// Peer, same run: redis-benchmark -P 64 -c 1 XADD of a small entry (`f v`) and of an entry as large as
// one of our messages, into keys of their own.
// Run after `npm run build`:
//   node bench/redis-telemetry-throughput.mjs [--events 5000000] [--per-message 1000] [--rollouts 100] [--no-record]
//     [--cpu-prof FILE]   also write a .cpuprofile of the engine process covering the measured interval only
// REDIS_URL (default redis://127.0.0.1:6379). Keys live under a fresh prefix, deleted after. Prints one
// JSON line and appends a dated line to bench/RESULTS.md.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBus } from '../dist/bus/index.js';
import { createRollout, DEFAULT_POLICY, encodeTelemetryEvents, startCanaryService, telemetryTopic } from '../dist/canary/index.js';
import { systemClock } from '../dist/clock/clock.js';
import { openStore } from '../dist/store/index.js';
import { deleteRedisKeys } from './lib/redis-keys.mjs';
import { machineFacts, reportResult } from './lib/results-file.mjs';
import { createPrng } from './lib/prng.mjs';

const self = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    'per-message': { type: 'string', default: '1000' },
    rollouts: { type: 'string', default: '100' },
    'no-record': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'producer-child': { type: 'string' },
  },
  strict: true,
});
const EVENTS_PER_MESSAGE = Number(values['per-message']);
const MESSAGES = Math.ceil(Number(values.events) / EVENTS_PER_MESSAGE);
const EVENTS = MESSAGES * EVENTS_PER_MESSAGE;
const ROLLOUTS = Number(values.rollouts);
const EVENT_RATE = 1_000_000;
const PUBLISH_BATCH = 20;
const IN_FLIGHT = 4;
const TIMEOUT_MS = 180_000;
const T0 = 1_700_000_000_000;
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const round2 = (n) => Math.round(n * 100) / 100;
const epochMs = () => performance.timeOrigin + performance.now();
const silent = { info() {}, warn() {}, error(object, message) { console.error(message, object); } };


function encodeMessages() {
  const random = createPrng(1);
  const payloads = new Array(MESSAGES);
  let bytes = 0;
  const started = performance.now();
  for (let m = 0; m < MESSAGES; m += 1) {
    const rollout = `rollout-${m % ROLLOUTS}`;
    const events = new Array(EVENTS_PER_MESSAGE);
    for (let i = 0; i < EVENTS_PER_MESSAGE; i += 1) {
      const n = m * EVENTS_PER_MESSAGE + i;
      const isError = random() < 0.01;
      events[i] = {
        service: 'web',
        rollout,
        version: i % 2 === 0 ? 'v2' : 'v1',
        track: i % 2 === 0 ? 'canary' : 'baseline',
        eventTimeMs: T0 + Math.floor((n * 1000) / EVENT_RATE),
        latencyMs: 20 * Math.exp((random() + random() + random() - 1.5) * 1.5),
        statusCode: isError ? 500 : 200,
        isError,
      };
    }
    payloads[m] = encodeTelemetryEvents(events);
    bytes += payloads[m].byteLength;
  }
  const seconds = (performance.now() - started) / 1000;
  return { payloads, bytes, encodePerSec: Math.round(EVENTS / seconds) };
}

/** Child: encode everything, say "ready", wait for "go", publish, report the first publish's epoch time. */
async function runProducer(prefix) {
  const { payloads, bytes, encodePerSec } = encodeMessages();
  const bus = await createBus({ kind: 'redis', url: redisUrl, prefix });
  console.log(JSON.stringify({ ready: true }));
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'go') break;
  let next = 0;
  const firstPublishMs = epochMs();
  const publisher = async () => {
    while (next < MESSAGES) {
      const from = next;
      next = Math.min(MESSAGES, next + PUBLISH_BATCH);
      await bus.publishBatch(telemetryTopic, payloads.slice(from, next));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, publisher));
  const lastPublishMs = epochMs();
  await bus.close();
  console.log(JSON.stringify({ firstPublishMs, lastPublishMs, bytes, encodePerSec }));
  lines.close();
}

/** Lines of JSON from the child's stdout, one at a time. */
function readJsonLines(child) {
  const queue = [];
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    const resolve = waiting.shift();
    if (resolve) resolve(value);
    else queue.push(value);
  });
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
}

async function measureProduct(prefix) {
  const bus = await createBus({ kind: 'redis', url: redisUrl, prefix });
  const store = await openStore({});
  for (let r = 0; r < ROLLOUTS; r += 1) await createRollout(store.db, systemClock, { id: `rollout-${r}`, service: 'web', policyVersion: DEFAULT_POLICY.version });
  const canary = await startCanaryService({ db: store.db, bus, clock: systemClock, logger: silent, grpcPort: 0, pollIntervalMs: 60_000, engineConsumer: `${prefix}-engine` });
  const producerArgs = [self, '--producer-child', prefix, '--events', String(EVENTS), '--per-message', String(EVENTS_PER_MESSAGE), '--rollouts', String(ROLLOUTS)];
  const producer = spawn(process.execPath, producerArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
  const producerExit = new Promise((resolve) => producer.on('exit', resolve));
  const nextLine = readJsonLines(producer);
  try {
    await nextLine();
    const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
    let doneMs;
    let maxRssMb = rssBeforeMb;
    const deadline = Date.now() + TIMEOUT_MS;
    const waitForAll = new Promise((resolve, reject) => {
      const poll = () => {
        if (canary.engine.countAccepted() >= EVENTS) {
          doneMs = epochMs();
          resolve();
        } else if (Date.now() > deadline) {
          reject(new Error(`only ${canary.engine.countAccepted()} of ${EVENTS} events reached the windows within ${TIMEOUT_MS} ms`));
        } else {
          setTimeout(poll, 1);
        }
      };
      poll();
    });
    const sampleRss = setInterval(() => {
      maxRssMb = Math.max(maxRssMb, process.memoryUsage().rss / 2 ** 20);
    }, 100);
    const profiler = values['cpu-prof'] === undefined ? undefined : new Session();
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    producer.stdin.write('go\n');
    const cpuBefore = process.cpuUsage();
    await waitForAll;
    const cpu = process.cpuUsage(cpuBefore);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(values['cpu-prof'], JSON.stringify(profile));
      profiler.disconnect();
    }
    clearInterval(sampleRss);
    const published = await nextLine();
    const seconds = (doneMs - published.firstPublishMs) / 1000;
    const rejected = canary.engine.countRejected();
    await canary.flushDecisions();
    const decisions = await store.db.query('SELECT action, count(*)::int AS n FROM canary_decisions GROUP BY action ORDER BY action');
    return {
      events: EVENTS,
      messages: MESSAGES,
      eventsPerMessage: EVENTS_PER_MESSAGE,
      bytesPerEvent: round2(published.bytes / EVENTS),
      rollouts: ROLLOUTS,
      eventsPerSec: Math.round(EVENTS / seconds),
      seconds: round2(seconds),
      publishSeconds: round2((published.lastPublishMs - published.firstPublishMs) / 1000),
      publishEventsPerSec: Math.round((EVENTS / (published.lastPublishMs - published.firstPublishMs)) * 1000),
      producerEncodePerSec: published.encodePerSec,
      engineCpuSeconds: round2((cpu.user + cpu.system) / 1e6),
      engineCpuShare: round2((cpu.user + cpu.system) / 1e6 / seconds),
      engineCpuNsPerEvent: Math.round(((cpu.user + cpu.system) * 1000) / EVENTS),
      rejected: Object.values(rejected).reduce((n, c) => n + c, 0),
      decisions: Object.fromEntries(decisions.rows.map((row) => [row.action, row.n])),
      engineRssMb: { before: Math.round(rssBeforeMb), max: Math.round(maxRssMb) },
    };
  } finally {
    producer.kill();
    await producerExit;
    await canary.close();
    await bus.close();
    await store.close();
  }
}

/** redis-benchmark pipelining XADD (-P 64, one connection, as the bus publishes) into a key of its own. */
function redisBenchmarkXadd(prefix, name, value, requests) {
  const url = new URL(redisUrl);
  const args = ['-h', url.hostname, '-p', url.port || '6379', '-c', '1', '-n', String(requests), '-P', '64', '-q', '--csv'];
  if (url.password) args.push('-a', decodeURIComponent(url.password));
  const csv = execFileSync('redis-benchmark', [...args, 'XADD', `${prefix}:peer-${name}`, '*', 'f', value], { encoding: 'utf8' });
  return Math.round(Number(JSON.parse(csv.trim().split('\n').at(-1).split(',')[1])));
}

function measurePeer(prefix, messageBytes) {
  try {
    execFileSync('which', ['redis-benchmark'], { stdio: 'ignore' });
  } catch {
    return { skipped: 'redis-benchmark is not installed' };
  }
  return {
    command: 'redis-benchmark -c 1 -P 64 -n N XADD key * f v',
    smallEntryPerSec: redisBenchmarkXadd(prefix, 'small', 'v', 200_000),
    messageSizedEntryBytes: messageBytes,
    messageSizedEntryPerSec: redisBenchmarkXadd(prefix, 'sized', 'x'.repeat(messageBytes), 20_000),
  };
}

if (values['producer-child'] !== undefined) {
  await runProducer(values['producer-child']);
} else {
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  try {
    const before = loadavg().map(round2);
    const product = await measureProduct(prefix);
    const messageBytes = Math.round(product.bytesPerEvent * EVENTS_PER_MESSAGE);
    const peer = measurePeer(prefix, messageBytes);
    const result = {
      bench: 'redis-telemetry-throughput',
      target: '>= 1000000 events/s, producer publish -> engine window state',
      product,
      peer: { redisBenchmark: peer },
      ratioToSmallXadd: peer.smallEntryPerSec ? round2(product.eventsPerSec / peer.smallEntryPerSec) : undefined,
      met: product.eventsPerSec >= 1_000_000 && product.rejected === 0,
      note: '2 cores shared by Redis, the producer, the engine and other work running at the same time',
      ...machineFacts({ before, after: loadavg().map(round2) }),
    };
    reportResult(result, { record: !values['no-record'] });
  } finally {
    await deleteRedisKeys(redisUrl, prefix);
  }
}
