import { type Clock, systemClock } from '../../../clock/clock.js';
import type { Db } from '../../../store/index.js';
import type { DeployLock, JoinQueueOptions, LockLease, LockTurn, LockWaiter } from '../deploy-lock.js';
import { checkDurationMs, checkHolder, checkKey, checkLease } from '../validate-lock-input.js';

export interface PostgresDeployLockOptions {
  /** A migrated store (0007_deploy_locks); pg or PGlite. Left open by close(). */
  db: Db;
  /**
   * Judges expiry: every statement gets now from this clock as a parameter instead of using now().
   * Chosen over database time so that the lock agrees with the rest of the scheduler (claim-job.ts does
   * the same) and tests can use a manual clock. The cost: server replicas whose clocks disagree shift
   * each other's expiry by the skew — milliseconds with NTP, far below any useful ttl — and a fencing
   * token still refuses a holder that kept going past its lease. Default: the system clock.
   */
  clock?: Clock;
}

interface LeaseRow {
  token: number;
  expiresAt: Date;
}

/**
 * One upsert: the row exists from a key's first acquisition (or first waiter) on, so the token keeps
 * growing across releases. ON CONFLICT DO UPDATE locks the row and re-checks its WHERE against the
 * newest version, so of concurrent callers exactly one sees the lock free. $5 is the caller's waiter
 * id, or NULL for a caller that does not queue: either way, any live, not superseded waiter queued
 * earlier goes first.
 */
const acquireSql = `
  INSERT INTO deploy_locks AS l (key, holder, fencing_token, acquired_at, expires_at)
  SELECT $1::text, $2::text, 1, $3::timestamptz, $4::timestamptz
  WHERE NOT EXISTS (
    SELECT 1 FROM deploy_lock_waiters w
    WHERE w.key = $1::text AND w.superseded_by IS NULL AND w.alive_until > $3::timestamptz
      AND ($5::bigint IS NULL OR w.id < $5::bigint))
  ON CONFLICT (key) DO UPDATE
  SET holder = excluded.holder, fencing_token = l.fencing_token + 1, acquired_at = excluded.acquired_at,
      expires_at = excluded.expires_at
  WHERE l.holder IS NULL OR l.expires_at <= excluded.acquired_at
  RETURNING l.fencing_token AS token, l.expires_at AS "expiresAt"`;

/** The deploy lock in the store. Queueing is a table of waiters polled by acquireDeployLock. */
export function createPostgresDeployLock(options: PostgresDeployLockOptions): DeployLock {
  const { db } = options;
  const clock = options.clock ?? systemClock;

  async function acquire(tx: Db, key: string, holder: string, ttlMs: number, waiterId: number | null) {
    const nowMs = clock.now();
    const { rows } = await tx.query<LeaseRow>(acquireSql, [key, holder, new Date(nowMs), new Date(nowMs + ttlMs), waiterId]);
    const row = rows[0];
    return row ? { key, holder, token: row.token, expiresAt: row.expiresAt } : null;
  }

  return {
    backend: 'postgres',

    async tryAcquire(key, holder, ttlMs) {
      checkKey(key);
      checkHolder(holder);
      checkDurationMs('ttlMs', ttlMs);
      return acquire(db, key, holder, ttlMs, null);
    },

    // An expired lease is lost even while nobody has taken the lock yet: the Redis backend cannot tell
    // an expired key from a released one, and both must behave alike.
    async renew(lease, ttlMs) {
      checkLease(lease);
      checkDurationMs('ttlMs', ttlMs);
      const nowMs = clock.now();
      const result = await db.query(
        `UPDATE deploy_locks SET expires_at = $5
         WHERE key = $1 AND holder = $2 AND fencing_token = $3 AND expires_at > $4`,
        [lease.key, lease.holder, lease.token, new Date(nowMs), new Date(nowMs + ttlMs)],
      );
      return result.rowCount === 1;
    },

    async release(lease) {
      checkLease(lease);
      const result = await db.query(
        `UPDATE deploy_locks SET holder = NULL, acquired_at = NULL, expires_at = NULL
         WHERE key = $1 AND holder = $2 AND fencing_token = $3 AND expires_at > $4`,
        [lease.key, lease.holder, lease.token, new Date(clock.now())],
      );
      return result.rowCount === 1;
    },

    async current(key) {
      checkKey(key);
      const { rows } = await db.query<LockLease>(
        `SELECT key, holder, fencing_token AS token, expires_at AS "expiresAt"
         FROM deploy_locks WHERE key = $1 AND holder IS NOT NULL AND expires_at > $2`,
        [key, new Date(clock.now())],
      );
      return rows[0] ?? null;
    },

    async joinQueue(key, holder, queue: JoinQueueOptions) {
      checkKey(key);
      checkHolder(holder);
      checkDurationMs('livenessMs', queue.livenessMs);
      const nowMs = clock.now();
      const now = new Date(nowMs);
      return db.transaction(async (tx) => {
        // Waiters that stopped polling lost their place; dropping them keeps the table small.
        await tx.query('DELETE FROM deploy_lock_waiters WHERE key = $1 AND alive_until <= $2', [key, now]);
        if (queue.supersede) {
          await tx.query(
            'UPDATE deploy_lock_waiters SET superseded_by = $2 WHERE key = $1 AND superseded_by IS NULL',
            [key, holder],
          );
        }
        const { rows } = await tx.query<{ id: number }>(
          `INSERT INTO deploy_lock_waiters (key, holder, enqueued_at, alive_until) VALUES ($1, $2, $3, $4) RETURNING id`,
          [key, holder, now, new Date(nowMs + queue.livenessMs)],
        );
        return { key, holder, id: rows[0]!.id };
      });
    },

    async tryAcquireInTurn(waiter: LockWaiter, ttlMs, livenessMs): Promise<LockTurn> {
      checkKey(waiter.key);
      checkHolder(waiter.holder);
      checkDurationMs('ttlMs', ttlMs);
      checkDurationMs('livenessMs', livenessMs);
      return db.transaction(async (tx) => {
        const nowMs = clock.now();
        const { rows } = await tx.query<{ supersededBy: string | null }>(
          `SELECT superseded_by AS "supersededBy" FROM deploy_lock_waiters WHERE id = $1 AND key = $2 FOR UPDATE`,
          [waiter.id, waiter.key],
        );
        const row = rows[0];
        if (!row) return { kind: 'gone' };
        if (row.supersededBy !== null) {
          await tx.query('DELETE FROM deploy_lock_waiters WHERE id = $1', [waiter.id]);
          return { kind: 'superseded', by: row.supersededBy };
        }
        await tx.query('UPDATE deploy_lock_waiters SET alive_until = $2 WHERE id = $1', [
          waiter.id,
          new Date(nowMs + livenessMs),
        ]);
        const lease = await acquire(tx, waiter.key, waiter.holder, ttlMs, waiter.id);
        if (!lease) return { kind: 'waiting' };
        await tx.query('DELETE FROM deploy_lock_waiters WHERE id = $1', [waiter.id]);
        return { kind: 'acquired', lease };
      });
    },

    async leaveQueue(waiter) {
      await db.query('DELETE FROM deploy_lock_waiters WHERE id = $1 AND key = $2', [waiter.id, waiter.key]);
    },

    close: async () => {},
  };
}
