/**
 * Runs a suite against the Redis at REDIS_URL (default redis://127.0.0.1:6379), or skips it when Redis
 * is unreachable — unless SLIPWAY_REQUIRE_SERVICES=1, which makes that a failure (as test-store.ts
 * does for PostgreSQL). Test infrastructure reads its own environment, not config/.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';

export const testRedisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const requireServices = process.env.SLIPWAY_REQUIRE_SERVICES === '1';

type Probe = { ok: true } | { ok: false; reason: string };

async function probeRedis(): Promise<Probe> {
  const redis = new Redis(testRedisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `Redis at ${testRedisUrl} is unreachable: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    redis.disconnect();
  }
}

const probe = await probeRedis();

/** describe(`${title} [redis]`) when Redis answers; skipped (or failing, when services are required) otherwise. */
export function describeRedis(title: string, suite: () => void): void {
  if (probe.ok) {
    describe(`${title} [redis]`, suite);
  } else if (requireServices) {
    describe(`${title} [redis]`, () => {
      it('needs Redis', () => {
        throw new Error(`SLIPWAY_REQUIRE_SERVICES=1 but ${probe.reason}`);
      });
    });
  } else {
    console.warn(`Redis tests are SKIPPED: ${probe.reason}. Start Redis or set REDIS_URL; SLIPWAY_REQUIRE_SERVICES=1 makes this a failure.`);
    describe.skip(`${title} [redis] — skipped: ${probe.reason}`, suite);
  }
}

/** A key prefix no other test file or run shares. */
export function uniqueKeyPrefix(name: string): string {
  return `test:${name}:${Date.now().toString(36)}-${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under prefix (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 200 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  }
}
