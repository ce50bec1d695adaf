// Benches that write to Redis remove what they wrote (keys under their own prefix) when done.
import { Redis } from 'ioredis';

/** Deletes every key `<prefix>:*`; a Redis that cannot be reached is left alone, quietly. */
export async function deleteRedisKeys(redisUrl, prefix) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } catch {}
  redis.disconnect();
}
