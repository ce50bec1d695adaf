import { Redis } from 'ioredis';
import { AppError, ErrorCode } from '../../../errors/app-error.js';
import type { DeployLock, LockLease, LockTurn, LockWaiter } from '../deploy-lock.js';
import { checkDurationMs, checkHolder, checkKey, checkLease } from '../validate-lock-input.js';
import { acquireInTurnLua, currentLua, joinQueueLua, releaseLua, renewLua } from './lock-scripts.js';

export type RedisDeployLockOptions = (
  | {
      /** e.g. redis://127.0.0.1:6379; the lock opens its own connection and close() ends it. */
      redisUrl: string;
    }
  | {
      /** A client owned by the caller; close() leaves it open. */
      redis: Redis;
    }
) & {
  /** Prepended to every key the lock uses, so several installations (or test files) share one Redis. Default `slipway:deploy-lock:`. */
  keyPrefix?: string;
};

export const defaultRedisKeyPrefix = 'slipway:deploy-lock:';

type Reply = (string | number)[];

/** The scripts, registered with defineCommand: ioredis sends EVALSHA and falls back to EVAL once per connection. */
interface LockCommands {
  deployLockAcquireInTurn(...args: (string | number)[]): Promise<Reply>;
  deployLockJoinQueue(...args: (string | number)[]): Promise<number>;
  deployLockRenew(...args: (string | number)[]): Promise<number>;
  deployLockRelease(...args: (string | number)[]): Promise<number>;
  deployLockCurrent(...args: (string | number)[]): Promise<Reply>;
}

/**
 * The deploy lock on Redis: SET lock "token:holder" NX PX ttl, with the token from INCR on a per-key
 * counter, released and renewed by compare-and-delete / compare-and-pexpire scripts. Expiry is Redis'
 * own (server time), so a holder that dies simply stops renewing and the key disappears.
 */
export function createRedisDeployLock(options: RedisDeployLockOptions): DeployLock {
  const owned = 'redisUrl' in options;
  // lazyConnect: a server that never deploys (or fails to start) opens no connection to keep it alive.
  const redis = owned ? new Redis(options.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true }) : options.redis;
  // A lost connection surfaces as the failing lock call (ioredis reconnects by itself); without a
  // listener ioredis would also print every reconnect attempt as an unhandled error event.
  if (owned) redis.on('error', () => {});
  const prefix = options.keyPrefix ?? defaultRedisKeyPrefix;
  redis.defineCommand('deployLockAcquireInTurn', { numberOfKeys: 4, lua: acquireInTurnLua });
  redis.defineCommand('deployLockJoinQueue', { numberOfKeys: 3, lua: joinQueueLua });
  redis.defineCommand('deployLockRenew', { numberOfKeys: 1, lua: renewLua });
  redis.defineCommand('deployLockRelease', { numberOfKeys: 1, lua: releaseLua });
  redis.defineCommand('deployLockCurrent', { numberOfKeys: 1, lua: currentLua });
  const commands = redis as unknown as LockCommands;
  const keys = (key: string) => ({
    lock: `${prefix}lock:${key}`,
    token: `${prefix}token:${key}`,
    queue: `${prefix}queue:${key}`,
    waiters: `${prefix}waiters:${key}`,
    seq: `${prefix}seq:${key}`,
  });
  const leaseValue = (lease: LockLease) => `${lease.token}:${lease.holder}`;

  async function acquireInTurn(key: string, holder: string, ttlMs: number, waiterId: string, livenessMs: number) {
    const k = keys(key);
    const reply = await commands.deployLockAcquireInTurn(k.lock, k.token, k.queue, k.waiters, holder, ttlMs, waiterId, livenessMs);
    return toTurn(key, holder, reply);
  }

  return {
    backend: 'redis',

    async tryAcquire(key, holder, ttlMs) {
      checkKey(key);
      checkHolder(holder);
      checkDurationMs('ttlMs', ttlMs);
      // livenessMs only matters for a queued caller.
      const turn = await acquireInTurn(key, holder, ttlMs, '', 1);
      return turn.kind === 'acquired' ? turn.lease : null;
    },

    async renew(lease, ttlMs) {
      checkLease(lease);
      checkDurationMs('ttlMs', ttlMs);
      return (await commands.deployLockRenew(keys(lease.key).lock, leaseValue(lease), ttlMs)) === 1;
    },

    async release(lease) {
      checkLease(lease);
      return (await commands.deployLockRelease(keys(lease.key).lock, leaseValue(lease))) === 1;
    },

    async current(key) {
      checkKey(key);
      const reply = await commands.deployLockCurrent(keys(key).lock);
      if (reply.length === 0) return null;
      const value = String(reply[0]);
      const colon = value.indexOf(':');
      return {
        key,
        holder: value.slice(colon + 1),
        token: Number(value.slice(0, colon)),
        expiresAt: new Date(Number(reply[1])),
      };
    },

    async joinQueue(key, holder, queue) {
      checkKey(key);
      checkHolder(holder);
      checkDurationMs('livenessMs', queue.livenessMs);
      const k = keys(key);
      const id = await commands.deployLockJoinQueue(k.queue, k.waiters, k.seq, holder, queue.livenessMs, queue.supersede ? '1' : '0');
      return { key, holder, id: Number(id) };
    },

    async tryAcquireInTurn(waiter: LockWaiter, ttlMs, livenessMs) {
      checkKey(waiter.key);
      checkHolder(waiter.holder);
      checkDurationMs('ttlMs', ttlMs);
      checkDurationMs('livenessMs', livenessMs);
      return acquireInTurn(waiter.key, waiter.holder, ttlMs, String(waiter.id), livenessMs);
    },

    async leaveQueue(waiter) {
      const k = keys(waiter.key);
      await redis.multi().zrem(k.queue, String(waiter.id)).hdel(k.waiters, String(waiter.id)).exec();
    },

    async close() {
      if (owned) await (redis.status === 'wait' ? Promise.resolve(redis.disconnect()) : redis.quit().catch(() => redis.disconnect()));
    },
  };
}

function toTurn(key: string, holder: string, reply: Reply): LockTurn {
  switch (reply[0]) {
    case 'acquired':
      return { kind: 'acquired', lease: { key, holder, token: Number(reply[1]), expiresAt: new Date(Number(reply[2])) } };
    case 'waiting':
      return { kind: 'waiting' };
    case 'superseded':
      return { kind: 'superseded', by: String(reply[1]) };
    case 'gone':
      return { kind: 'gone' };
    default:
      throw new AppError(ErrorCode.internal, `unexpected reply from the deploy lock script: ${JSON.stringify(reply)}`);
  }
}
