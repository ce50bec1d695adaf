/**
 * The brokers the bus contract runs against, each under a namespace (key and subject prefix) private to
 * one test file's run and deleted afterwards. Test infrastructure reads its own environment, not config/:
 * - TEST_REDIS_URL (else REDIS_URL): default redis://127.0.0.1:6379
 * - TEST_NATS_URL (else NATS_URL): default nats://127.0.0.1:4222
 * - SLIPWAY_REQUIRE_SERVICES=1: an unreachable broker fails the suite instead of skipping it.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import type { Bus } from '../bus.js';
import { createMemoryBus } from '../memory/bus.js';
import { createNatsBus } from '../nats/bus.js';
import { createRedisBus } from '../redis/bus.js';

export const testRedisUrl = process.env.TEST_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export const testNatsUrl = process.env.TEST_NATS_URL || process.env.NATS_URL || 'nats://127.0.0.1:4222';
export const requireServices = process.env.SLIPWAY_REQUIRE_SERVICES === '1';

export type Probe = { ok: true } | { ok: false; reason: string };

export interface BusService {
  name: 'memory' | 'redis' | 'nats';
  probe: Probe;
  /** A bus in a fresh namespace; dispose() closes it and deletes everything it created. */
  open(options?: { maxLen?: number }): Promise<{ bus: Bus; dispose(): Promise<void> }>;
}

/** A prefix nobody else uses: the time makes leftovers of killed runs recognisable. */
export function uniquePrefix(): string {
  return `t${Math.floor(Date.now() / 1000).toString(36)}${randomBytes(4).toString('hex')}`;
}

async function probeRedis(): Promise<Probe> {
  const redis = new Redis(testRedisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const [, major = '0', minor = '0'] = (await redis.info('server')).match(/redis_version:(\d+)\.(\d+)/) ?? [];
    // XAUTOCLAIM arrived in 6.2.
    if (Number(major) * 100 + Number(minor) < 602) return { ok: false, reason: `Redis at ${testRedisUrl} is older than 6.2` };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `Redis unreachable at ${testRedisUrl}: ${String(error)} (set TEST_REDIS_URL)` };
  } finally {
    redis.disconnect();
  }
}

async function probeNats(): Promise<Probe> {
  try {
    const connection = await connect({ servers: testNatsUrl, timeout: 2000, reconnect: false });
    try {
      await jetstreamManager(connection);
      return { ok: true };
    } finally {
      await connection.close();
    }
  } catch (error) {
    return { ok: false, reason: `NATS with JetStream unreachable at ${testNatsUrl}: ${String(error)} (set TEST_NATS_URL)` };
  }
}

async function deleteRedisNamespace(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function deleteNatsNamespace(prefix: string): Promise<void> {
  const connection = await connect({ servers: testNatsUrl });
  try {
    const jsm = await jetstreamManager(connection);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
    }
  } finally {
    await connection.close();
  }
}

const [redisProbe, natsProbe] = await Promise.all([probeRedis(), probeNats()]);

export const busServices: BusService[] = [
  {
    name: 'memory',
    probe: { ok: true },
    open: async (options) => {
      const bus = createMemoryBus(options);
      return { bus, dispose: () => bus.close() };
    },
  },
  {
    name: 'redis',
    probe: redisProbe,
    open: async (options) => {
      const prefix = uniquePrefix();
      const bus = await createRedisBus({ url: testRedisUrl, prefix, ...options });
      return {
        bus,
        dispose: async () => {
          await bus.close();
          await deleteRedisNamespace(prefix);
        },
      };
    },
  },
  {
    name: 'nats',
    probe: natsProbe,
    open: async (options) => {
      const prefix = uniquePrefix();
      const bus = await createNatsBus({ url: testNatsUrl, prefix, ...options });
      return {
        bus,
        dispose: async () => {
          await bus.close();
          await deleteNatsNamespace(prefix);
        },
      };
    },
  },
];
