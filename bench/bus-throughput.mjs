// Bus throughput: publish N 100-byte messages in batches (publishBatch, a few batches in flight) while
// one subscriber reads and acks them in batches; reports publish msgs/s and end-to-end msgs/s (first
// publish to last message handled) per adapter, in one run. Peer: redis-benchmark pipelining XADD of the
// same payload size into a key of its own, when redis-benchmark is installed.
// Run after `npm run build`: node bench/bus-throughput.mjs [messages] [--no-record]
// REDIS_URL (default redis://127.0.0.1:6379), NATS_URL (default nats://127.0.0.1:4222); a broker that
// cannot be reached is reported as skipped. Everything is created under a fresh prefix, deleted after.
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createBus } from '../dist/bus/index.js';
import { deleteRedisKeys } from './lib/redis-keys.mjs';
import { appendResultLine } from './lib/results-file.mjs';

const MESSAGES = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 100_000);
const RECORD = !process.argv.includes('--no-record');
const PAYLOAD_BYTES = 100;
const PUBLISH_BATCH = 500;
const BATCHES_IN_FLIGHT = 4;
const CONSUME_BATCH = 500;
const TIMEOUT_MS = 120_000;
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const prefix = `bench${randomBytes(4).toString('hex')}`;
const topic = 'telemetry.raw';

async function measure(kind, url) {
  let bus;
  try {
    bus = await createBus({ kind, url, prefix });
  } catch (error) {
    return { skipped: error.message };
  }
  try {
    let consumed = 0;
    let duplicates = 0;
    let lastMs = 0;
    const seen = new Set();
    let done;
    const allConsumed = new Promise((resolve) => {
      done = resolve;
    });
    await bus.subscribe(topic, { group: 'bench', consumer: 'c1', batch: CONSUME_BATCH, ackWaitMs: 60_000 }, (messages) => {
      for (const message of messages) {
        if (seen.has(message.id)) duplicates++;
        else seen.add(message.id);
        message.ack();
      }
      consumed += messages.length;
      if (seen.size >= MESSAGES) {
        lastMs = performance.now();
        done();
      }
    });
    const payload = randomBytes(PAYLOAD_BYTES);
    const batch = Array.from({ length: PUBLISH_BATCH }, () => payload);
    const started = performance.now();
    let next = 0;
    const publisher = async () => {
      while (next < MESSAGES) {
        const count = Math.min(PUBLISH_BATCH, MESSAGES - next);
        next += count;
        await bus.publishBatch(topic, count === PUBLISH_BATCH ? batch : batch.slice(0, count));
      }
    };
    await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, publisher));
    const publishedMs = performance.now() - started;
    const timeout = setTimeout(() => done(), TIMEOUT_MS);
    await allConsumed;
    clearTimeout(timeout);
    if (seen.size < MESSAGES) throw new Error(`${kind}: only ${seen.size} of ${MESSAGES} messages consumed within ${TIMEOUT_MS} ms`);
    const endToEndMs = lastMs - started;
    return {
      publishPerSec: Math.round((MESSAGES / publishedMs) * 1000),
      endToEndPerSec: Math.round((MESSAGES / endToEndMs) * 1000),
      publishMs: Math.round(publishedMs),
      endToEndMs: Math.round(endToEndMs),
      consumed,
      duplicates,
    };
  } finally {
    await bus.close();
  }
}

/** redis-benchmark pipelining XADD of the same payload into its own key from one connection, as the bus publishes. */
function redisBenchmarkPeer() {
  try {
    execFileSync('which', ['redis-benchmark'], { stdio: 'ignore' });
  } catch {
    return { skipped: 'redis-benchmark is not installed' };
  }
  const url = new URL(redisUrl);
  const key = `${prefix}:peer`;
  const args = ['-h', url.hostname, '-p', url.port || '6379', '-c', '1', '-n', String(MESSAGES), '-P', String(PUBLISH_BATCH), '-q', '--csv'];
  if (url.password) args.push('-a', decodeURIComponent(url.password));
  const csv = execFileSync('redis-benchmark', [...args, 'XADD', key, '*', 'p', 'x'.repeat(PAYLOAD_BYTES)], { encoding: 'utf8' });
  const row = csv.trim().split('\n').at(-1).split(',');
  return { xaddPerSec: Math.round(Number(JSON.parse(row[1]))), pipeline: PUBLISH_BATCH, clients: 1 };
}

async function cleanUp() {
  await deleteRedisKeys(redisUrl, prefix);
  try {
    const connection = await connect({ servers: natsUrl, reconnect: false });
    const jsm = await jetstreamManager(connection);
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
    await connection.close();
  } catch {}
}

try {
  const result = {
    bench: 'bus-throughput',
    messages: MESSAGES,
    payloadBytes: PAYLOAD_BYTES,
    publishBatch: PUBLISH_BATCH,
    batchesInFlight: BATCHES_IN_FLIGHT,
    consumeBatch: CONSUME_BATCH,
    memory: await measure('memory'),
    redis: await measure('redis', redisUrl),
    nats: await measure('nats', natsUrl),
    peer: { redisBenchmark: redisBenchmarkPeer() },
    node: process.version,
    cpus: cpus().length,
  };
  console.log(JSON.stringify(result));
  if (RECORD) {
    appendResultLine(join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md'), `- ${new Date().toISOString()} ${result.bench}: ${JSON.stringify(result)}`);
  }
} finally {
  await cleanUp();
}
