/**
 * One contract for every DeployLock backend: the store (PGlite and PostgreSQL, with a manual clock, so
 * "time passes" is clock.advance) and Redis (server time, so real time must pass: short ttls and polls
 * with deadlines).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { type Clock, createManualClock, systemClock } from '../../clock/clock.js';
import { AppError } from '../../errors/app-error.js';
import { describeEachStore } from '../../test-support/test-store.js';
import { type AcquireOptions, type AcquireOutcome, acquireDeployLock } from './acquire-deploy-lock.js';
import type { DeployLock, LockLease } from './deploy-lock.js';
import { createPostgresDeployLock } from './postgres/deploy-lock.js';
import { createRedisDeployLock } from './redis/deploy-lock.js';
import { deleteKeysWithPrefix, describeRedis, testRedisUrl, uniqueKeyPrefix } from './test-support/test-redis.js';

interface LockHarness {
  readonly lock: DeployLock;
  /** The clock the backend judges expiry by (for acquireDeployLock's waitMs). */
  readonly clock: Clock;
  /** Lets ms of the backend's time pass. */
  elapse(ms: number): Promise<void>;
}

/** Short enough that Redis tests stay fast, long enough that a loaded machine does not expire leases early. */
const shortTtlMs = 200;
const longTtlMs = 60_000;
const fastPolling = { minPollMs: 5, maxPollMs: 20, livenessMs: 60_000 } satisfies Partial<AcquireOptions>;

function deployLockContract(h: LockHarness): void {
  const freshKey = () => `env-${randomBytes(4).toString('hex')}`;

  /**
   * Starts acquireDeployLock and resolves once the caller has its place in the queue, with the pending
   * outcome wrapped (an async function returning the bare promise would wait for it).
   */
  async function queue(key: string, holder: string, options: Partial<AcquireOptions> = {}): Promise<{ result: Promise<AcquireOutcome> }> {
    let queued!: () => void;
    const inQueue = new Promise<void>((resolve) => {
      queued = resolve;
    });
    // A failing test must not leave waiters polling into the next one.
    const endOfTest = new AbortController();
    onTestFinished(() => endOfTest.abort());
    const signal = options.signal ? AbortSignal.any([options.signal, endOfTest.signal]) : endOfTest.signal;
    const outcome = acquireDeployLock(h.lock, key, holder, {
      ttlMs: longTtlMs,
      waitMs: longTtlMs,
      clock: h.clock,
      ...fastPolling,
      ...options,
      signal,
      onQueued: () => queued(),
    });
    await within(Promise.race([inQueue, outcome]), `${holder} to join the queue`);
    return { result: within(outcome, `the outcome of ${holder}'s wait`) };
  }

  function leaseOf(outcome: AcquireOutcome): LockLease {
    if (outcome.outcome !== 'acquired') throw new Error(`expected the lock, got ${JSON.stringify(outcome)}`);
    return outcome.lease;
  }

  it('gives a key to one holder at a time, independently of other keys', async () => {
    const key = freshKey();
    const a = await h.lock.tryAcquire(key, 'deploy-a', longTtlMs);
    expect(a).toMatchObject({ key, holder: 'deploy-a' });
    expect(a!.token).toBeGreaterThan(0);
    expect(a!.expiresAt.getTime()).toBeGreaterThan(h.clock.now());
    expect(await h.lock.tryAcquire(key, 'deploy-b', longTtlMs)).toBeNull();
    // Not reentrant: a second deployment by the same name is still a second deployment.
    expect(await h.lock.tryAcquire(key, 'deploy-a', longTtlMs)).toBeNull();
    expectSameLease(await h.lock.current(key), a!);
    expect(await h.lock.tryAcquire(freshKey(), 'deploy-b', longTtlMs)).toMatchObject({ holder: 'deploy-b' });
    expect(await h.lock.current(freshKey())).toBeNull();
  });

  it('gives every acquisition of a key a larger fencing token', async () => {
    const key = freshKey();
    const tokens: number[] = [];
    for (const holder of ['a', 'b', 'a', 'c']) {
      const lease = await h.lock.tryAcquire(key, holder, longTtlMs);
      tokens.push(lease!.token);
      expect(await h.lock.release(lease!)).toBe(true);
    }
    expect(tokens.every((token, i) => i === 0 || token > tokens[i - 1]!)).toBe(true);
  });

  it('extends the lease when its holder renews it, and only then', async () => {
    const key = freshKey();
    const a = (await h.lock.tryAcquire(key, 'a', shortTtlMs))!;
    await h.elapse(shortTtlMs / 2);
    expect(await h.lock.renew({ ...a, token: a.token + 1 }, 2 * shortTtlMs)).toBe(false);
    expect(await h.lock.renew({ ...a, holder: 'b' }, 2 * shortTtlMs)).toBe(false);
    expect(await h.lock.renew(a, 2 * shortTtlMs)).toBe(true);
    await h.elapse(shortTtlMs); // past the first ttl, within the renewed one
    const current = await h.lock.current(key);
    expect(current).toMatchObject({ holder: 'a', token: a.token });
    expect(current!.expiresAt.getTime()).toBeGreaterThan(a.expiresAt.getTime());
    expect(await h.lock.tryAcquire(key, 'b', longTtlMs)).toBeNull();
  });

  it('frees the lock when its holder releases it, once', async () => {
    const key = freshKey();
    const a = (await h.lock.tryAcquire(key, 'a', longTtlMs))!;
    expect(await h.lock.release({ ...a, holder: 'b' })).toBe(false);
    expect(await h.lock.release({ ...a, token: a.token + 1 })).toBe(false);
    expect(await h.lock.current(key)).toMatchObject({ holder: 'a' });
    expect(await h.lock.release(a)).toBe(true);
    expect(await h.lock.current(key)).toBeNull();
    expect(await h.lock.release(a)).toBe(false);
    const b = await h.lock.tryAcquire(key, 'b', longTtlMs);
    expect(b!.token).toBeGreaterThan(a.token);
  });

  it('takes the lock back from a holder that dies, and fences the stale holder out', async () => {
    const key = freshKey();
    const stale = (await h.lock.tryAcquire(key, 'dies', shortTtlMs))!;
    expect(await h.lock.tryAcquire(key, 'next', longTtlMs)).toBeNull();
    await h.elapse(shortTtlMs + 20);
    await eventually(async () => ((await h.lock.current(key)) === null ? true : null));
    // Expired is lost, even before anyone else takes the lock.
    expect(await h.lock.renew(stale, longTtlMs)).toBe(false);
    const next = (await h.lock.tryAcquire(key, 'next', longTtlMs))!;
    expect(next.token).toBeGreaterThan(stale.token);
    expect(await h.lock.renew(stale, longTtlMs)).toBe(false);
    expect(await h.lock.release(stale)).toBe(false);
    expectSameLease(await h.lock.current(key), next);
    expect(await h.lock.renew(next, longTtlMs)).toBe(true);
    expect(await h.lock.release(next)).toBe(true);
  });

  it('hands the lock to waiters in their order of arrival; a caller that does not wait cannot jump the queue', async () => {
    const key = freshKey();
    const first = (await h.lock.tryAcquire(key, 'first', longTtlMs))!;
    const arrived: string[] = [];
    const waiters: Promise<AcquireOutcome>[] = [];
    for (const holder of ['w1', 'w2', 'w3']) {
      waiters.push(
        (await queue(key, holder)).result.then((outcome) => {
          arrived.push(holder);
          return outcome;
        }),
      );
    }
    expect(await h.lock.release(first)).toBe(true);
    expect(await h.lock.tryAcquire(key, 'barging', longTtlMs)).toBeNull();
    let previousToken = first.token;
    for (const [i, waiter] of waiters.entries()) {
      const lease = leaseOf(await waiter);
      expect(lease.holder).toBe(`w${i + 1}`);
      expect(lease.token).toBeGreaterThan(previousToken);
      previousToken = lease.token;
      // The others keep polling while this one holds the lock, and must not get it.
      await sleep(30);
      expect(arrived).toEqual(['w1', 'w2', 'w3'].slice(0, i + 1));
      expectSameLease(await h.lock.current(key), lease);
      expect(await h.lock.release(lease)).toBe(true);
    }
    expect(await h.lock.tryAcquire(key, 'after', longTtlMs)).toMatchObject({ holder: 'after' });
  });

  it('stops waiting at waitMs or on abort, leaving the queue to those behind', async () => {
    const key = freshKey();
    const holder = (await h.lock.tryAcquire(key, 'holder', longTtlMs))!;
    expect(await acquireDeployLock(h.lock, key, 'no-wait', { ttlMs: longTtlMs, clock: h.clock })).toEqual({
      outcome: 'timed_out',
    });
    const { result: timingOut } = await queue(key, 'times-out', { waitMs: 100 });
    await h.elapse(150);
    expect(await timingOut).toEqual({ outcome: 'timed_out' });
    const controller = new AbortController();
    const { result: aborting } = await queue(key, 'aborts', { signal: controller.signal });
    const { result: behind } = await queue(key, 'behind');
    controller.abort();
    expect(await aborting).toEqual({ outcome: 'aborted' });
    expect(await h.lock.release(holder)).toBe(true);
    expect(leaseOf(await behind).holder).toBe('behind');
    const aborted = new AbortController();
    aborted.abort();
    expect(await acquireDeployLock(h.lock, freshKey(), 'x', { ttlMs: longTtlMs, signal: aborted.signal })).toEqual({
      outcome: 'aborted',
    });
  });

  it('does not let a waiter that stopped polling hold up the queue', async () => {
    const key = freshKey();
    const crashed = await h.lock.joinQueue(key, 'crashed', { supersede: false, livenessMs: shortTtlMs });
    expect(await h.lock.tryAcquire(key, 'next', longTtlMs)).toBeNull();
    await h.elapse(shortTtlMs + 20);
    const next = await eventually(() => h.lock.tryAcquire(key, 'next', longTtlMs));
    expect(next.holder).toBe('next');
    // Whoever joins next drops the dead waiter; if it comes back it has to join again, at the back.
    await h.lock.joinQueue(key, 'later', { supersede: false, livenessMs: longTtlMs });
    expect(await h.lock.tryAcquireInTurn(crashed, longTtlMs, longTtlMs)).toEqual({ kind: 'gone' });
  });

  it('lets a newer waiter supersede the older ones without disturbing the holder', async () => {
    const key = freshKey();
    const running = (await h.lock.tryAcquire(key, 'running', longTtlMs))!;
    const { result: older } = await queue(key, 'older', { supersede: true });
    const { result: old } = await queue(key, 'old', { supersede: false });
    const { result: newest } = await queue(key, 'newest', { supersede: true });
    expect(await older).toEqual({ outcome: 'superseded', by: 'newest' });
    expect(await old).toEqual({ outcome: 'superseded', by: 'newest' });
    const { result: after } = await queue(key, 'after', { supersede: false });
    expectSameLease(await h.lock.current(key), running);
    expect(await h.lock.renew(running, longTtlMs)).toBe(true);
    expect(await h.lock.release(running)).toBe(true);
    const newestLease = leaseOf(await newest);
    expect(newestLease.holder).toBe('newest');
    expect(await h.lock.release(newestLease)).toBe(true);
    expect(leaseOf(await after).holder).toBe('after');
  });

  it('gives a contended key to exactly one of many concurrent callers, also once it expired', async () => {
    const key = freshKey();
    const callers = Array.from({ length: 24 }, (_, i) => `caller-${i}`);
    const won = (await Promise.all(callers.map((c) => h.lock.tryAcquire(key, c, shortTtlMs)))).filter((l) => l !== null);
    expect(won).toHaveLength(1);
    await h.elapse(shortTtlMs + 20);
    await eventually(async () => ((await h.lock.current(key)) === null ? true : null));
    const again = (await Promise.all(callers.map((c) => h.lock.tryAcquire(key, c, longTtlMs)))).filter((l) => l !== null);
    expect(again).toHaveLength(1);
    expect(again[0]!.token).toBeGreaterThan(won[0]!.token);
  });

  it('never lets two waiting callers hold a key at once', async () => {
    const key = freshKey();
    let inside = 0;
    let mostInside = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const outcome = await within(
          acquireDeployLock(h.lock, key, `racer-${i}`, { ttlMs: longTtlMs, waitMs: longTtlMs, clock: h.clock, ...fastPolling }),
          `racer-${i} to get the lock`,
        );
        const lease = leaseOf(outcome);
        mostInside = Math.max(mostInside, ++inside);
        await sleep(5);
        inside--;
        expect(await h.lock.release(lease)).toBe(true);
        return lease.token;
      }),
    );
    expect(mostInside).toBe(1);
    expect(new Set(outcomes).size).toBe(8);
  });

  it('refuses bad input with an invalid_argument AppError that says what is wrong', async () => {
    const key = freshKey();
    const refused = async (attempt: Promise<unknown>, message: RegExp) => {
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(message) });
    };
    await refused(h.lock.tryAcquire('', 'a', 1000), /key must be a non-empty string/);
    await refused(h.lock.tryAcquire('  ', 'a', 1000), /key must be a non-empty string/);
    await refused(h.lock.tryAcquire(key, '', 1000), /holder must be a non-empty string/);
    for (const ttlMs of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await refused(h.lock.tryAcquire(key, 'a', ttlMs), /ttlMs must be a positive whole number of milliseconds, got/);
    }
    await refused(h.lock.current(''), /key must be a non-empty string/);
    const lease = (await h.lock.tryAcquire(key, 'a', longTtlMs))!;
    await refused(h.lock.renew(lease, 0), /ttlMs must be a positive whole number/);
    await refused(h.lock.release({ ...lease, token: 0 }), /token must be a positive integer/);
    await refused(acquireDeployLock(h.lock, key, 'b', { ttlMs: 0 }), /ttlMs must be a positive whole number/);
    await refused(acquireDeployLock(h.lock, key, 'b', { ttlMs: 1000, waitMs: -1 }), /waitMs must be zero or a positive/);
    await refused(
      acquireDeployLock(h.lock, key, 'b', { ttlMs: 1000, livenessMs: 1000, maxPollMs: 1000 }),
      /livenessMs \(1000\) must be at least 3 × maxPollMs/,
    );
    expectSameLease(await h.lock.current(key), lease);
  });
}

/** Equal leases; expiresAt within a few ms, since Redis reports it as now + PTTL. */
function expectSameLease(actual: LockLease | null, expected: LockLease): void {
  expect(actual).toMatchObject({ key: expected.key, holder: expected.holder, token: expected.token });
  expect(Math.abs(actual!.expiresAt.getTime() - expected.expiresAt.getTime())).toBeLessThanOrEqual(5);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The waits here end in milliseconds when the lock works; fail fast (not at the test timeout) when it does not. */
function within<T>(promise: Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls check until it returns non-null, failing after timeoutMs. */
async function eventually<T>(check: () => Promise<T | null>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describeEachStore('DeployLock contract', (store) => {
  const clock = createManualClock(Date.parse('2030-01-01T00:00:00Z'));
  let lock: DeployLock | undefined;
  beforeAll(() => {
    lock = createPostgresDeployLock({ db: store.db, clock });
  });
  deployLockContract({
    get lock() {
      return lock!;
    },
    clock,
    elapse: async (ms) => clock.advance(ms),
  });
});

describeRedis('DeployLock contract', () => {
  const keyPrefix = uniqueKeyPrefix('deploy-lock');
  let redis: Redis | undefined;
  let lock: DeployLock | undefined;
  beforeAll(() => {
    redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 2 });
    lock = createRedisDeployLock({ redis, keyPrefix });
  });
  afterAll(async () => {
    if (!redis) return;
    await deleteKeysWithPrefix(redis, keyPrefix);
    await lock?.close();
    await redis.quit();
  });
  deployLockContract({
    get lock() {
      return lock!;
    },
    clock: systemClock,
    elapse: sleep,
  });
});
