import { type Clock, systemClock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { DeployLock, LockLease, LockWaiter } from './deploy-lock.js';
import { checkDurationMs, checkHolder, checkKey } from './validate-lock-input.js';
import { sleep } from '../../clock/sleep.js';

export interface AcquireOptions {
  /** Lease length; renew before it passes. */
  ttlMs: number;
  /** Give up after waiting this long (judged by `clock`). Default 0: one try, but still behind earlier waiters. */
  waitMs?: number;
  /** Give up at once; the waiter leaves the queue. */
  signal?: AbortSignal;
  /** Replace the key's earlier waiters (they get 'superseded'); the current holder keeps the lock. Default false. */
  supersede?: boolean;
  /** Judges waitMs. Pass the backend's clock when it has an injected one. Default: the system clock. */
  clock?: Clock;
  /** First pause between polls; it doubles up to maxPollMs, each with random jitter. Default 50. */
  minPollMs?: number;
  /** Default 1000. */
  maxPollMs?: number;
  /** A waiter that has not polled for this long loses its place (it crashed). Default 30000; at least 3 × maxPollMs. */
  livenessMs?: number;
  /** Called once the caller has its place in the queue (e.g. to show "queued behind …"). */
  onQueued?: (waiter: LockWaiter) => void;
}

export type AcquireOutcome =
  | { outcome: 'acquired'; lease: LockLease }
  /** A later deployment of the same key replaced this one while it waited. */
  | { outcome: 'superseded'; by: string }
  | { outcome: 'timed_out' }
  | { outcome: 'aborted' };

/**
 * Waits for the lock in FIFO order of arrival, on both backends: the queue lives in the backend
 * (a table, a sorted set), so order holds across server replicas, and each waiter polls for its turn.
 *
 * Polling, not notification, is a measured choice of simplicity: the cost is up to one poll interval
 * (maxPollMs, 1 s by default) between a release and the next holder's start, and one small query per
 * waiter per interval — negligible next to a deployment that takes minutes, with a handful of waiters
 * per environment. LISTEN/NOTIFY or Redis pub/sub would cut the latency but need a dedicated connection
 * per server (and the Db interface has none) and still a poll as fallback for lost notifications.
 * Jitter keeps waiters of many keys from polling in lockstep; order is the queue's job, not timing's.
 */
export async function acquireDeployLock(
  lock: DeployLock,
  key: string,
  holder: string,
  options: AcquireOptions,
): Promise<AcquireOutcome> {
  const clock = options.clock ?? systemClock;
  const waitMs = options.waitMs ?? 0;
  const minPollMs = options.minPollMs ?? 50;
  const maxPollMs = options.maxPollMs ?? 1000;
  const livenessMs = options.livenessMs ?? 30_000;
  checkKey(key);
  checkHolder(holder);
  checkDurationMs('ttlMs', options.ttlMs);
  if (!Number.isFinite(waitMs) || waitMs < 0) {
    throw new AppError(ErrorCode.invalidArgument, `waitMs must be zero or a positive number of milliseconds, got ${waitMs}`);
  }
  checkDurationMs('minPollMs', minPollMs);
  checkDurationMs('maxPollMs', maxPollMs);
  checkDurationMs('livenessMs', livenessMs);
  if (livenessMs < 3 * maxPollMs) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `livenessMs (${livenessMs}) must be at least 3 × maxPollMs (${maxPollMs}), or a waiter may lose its place between two polls`,
    );
  }
  if (options.signal?.aborted) return { outcome: 'aborted' };

  const deadlineMs = clock.now() + waitMs;
  let waiter = await lock.joinQueue(key, holder, { supersede: options.supersede ?? false, livenessMs });
  options.onQueued?.(waiter);
  try {
    for (let attempt = 0; ; attempt++) {
      const turn = await lock.tryAcquireInTurn(waiter, options.ttlMs, livenessMs);
      if (turn.kind === 'acquired') return { outcome: 'acquired', lease: turn.lease };
      if (turn.kind === 'superseded') return { outcome: 'superseded', by: turn.by };
      // Dropped for polling too late (a long pause of this process): its place is lost, join at the back.
      if (turn.kind === 'gone') waiter = await lock.joinQueue(key, holder, { supersede: false, livenessMs });
      if (clock.now() >= deadlineMs) return { outcome: 'timed_out' };
      const pauseMs = Math.min(maxPollMs, minPollMs * 2 ** Math.min(attempt, 20));
      if (!(await sleep(pauseMs * (0.5 + Math.random() / 2), options.signal))) return { outcome: 'aborted' };
    }
  } finally {
    await lock.leaveQueue(waiter);
  }
}
