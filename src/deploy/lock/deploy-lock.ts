/**
 * One deployment per environment at a time. A DeployLock is a set of named, expiring, fenced locks
 * (one name per environment) plus a FIFO queue of waiters per name. Two backends implement it
 * (postgres/, redis/) and pass one contract test (deploy-lock.contract.test.ts); waiting with a
 * deadline is built on top of the queue primitives by acquireDeployLock.
 */

export type DeployLockBackend = 'postgres' | 'redis';

/** A holder's time-limited ownership of one lock. */
export interface LockLease {
  readonly key: string;
  readonly holder: string;
  /**
   * Per key, strictly greater than the token of every earlier lease of the key, including leases that
   * expired without a release. Pass it with every write the deployment makes (target, router, release
   * records) so a holder that lost the lock is refused instead of overwriting its successor's work.
   */
  readonly token: number;
  /** When the lease ends unless renewed; judged by the backend's clock (see each backend). */
  readonly expiresAt: Date;
}

/** A place in a key's queue, taken by joinQueue. */
export interface LockWaiter {
  readonly key: string;
  readonly holder: string;
  /** Arrival order within the key: a lower id was queued earlier. */
  readonly id: number;
}

export interface JoinQueueOptions {
  /**
   * Replace every waiter queued before this one for the same key: they get a 'superseded' turn on
   * their next poll. The current holder is never disturbed (cancel-in-progress stays off).
   */
  supersede: boolean;
  /** The waiter keeps its place only while it polls at least this often (a dead waiter must not block the queue). */
  livenessMs: number;
}

export type LockTurn =
  | { kind: 'acquired'; lease: LockLease }
  /** The lock is held, or a live waiter queued earlier goes first. */
  | { kind: 'waiting' }
  /** A later waiter replaced this one; it is out of the queue. */
  | { kind: 'superseded'; by: string }
  /** The waiter was dropped for not polling within livenessMs; it may join again (at the back). */
  | { kind: 'gone' };

export interface DeployLock {
  readonly backend: DeployLockBackend;
  /**
   * Takes the lock when it is free (never taken, released, or expired) and no live waiter is queued
   * for it: a caller that does not wait must not jump the queue of those who do. Null otherwise.
   */
  tryAcquire(key: string, holder: string, ttlMs: number): Promise<LockLease | null>;
  /** Moves the lease's end to now + ttlMs. False when the lease is no longer current (expired or taken). */
  renew(lease: LockLease, ttlMs: number): Promise<boolean>;
  /** Frees the lock. False, and nothing changes, when the lease is no longer current. */
  release(lease: LockLease): Promise<boolean>;
  /** The unexpired lease of key, or null when the lock is free. */
  current(key: string): Promise<LockLease | null>;
  joinQueue(key: string, holder: string, options: JoinQueueOptions): Promise<LockWaiter>;
  /** One poll of a waiter: refreshes its liveness and takes the lock if it is its turn and the lock is free. */
  tryAcquireInTurn(waiter: LockWaiter, ttlMs: number, livenessMs: number): Promise<LockTurn>;
  /** Leaves the queue; harmless when the waiter already left (acquired, superseded, gone). */
  leaveQueue(waiter: LockWaiter): Promise<void>;
  /** Closes connections the lock opened itself; a Db or client passed in is left open. */
  close(): Promise<void>;
}
