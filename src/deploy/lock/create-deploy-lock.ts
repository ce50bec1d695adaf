import type { Clock } from '../../clock/clock.js';
import type { Db } from '../../store/index.js';
import type { DeployLock } from './deploy-lock.js';
import { createPostgresDeployLock } from './postgres/deploy-lock.js';
import { createRedisDeployLock } from './redis/deploy-lock.js';

export type CreateDeployLockOptions =
  /** The store (PostgreSQL or PGlite): the default, needs nothing beyond what the server already has. */
  | { db: Db; clock?: Clock }
  /** Redis, when the server is configured with REDIS_URL (config/ resolves it and passes it here). */
  | { redisUrl: string; keyPrefix?: string };

/** Picks the backend from the options the server resolved; nothing here reads the environment. */
export function createDeployLock(options: CreateDeployLockOptions): DeployLock {
  if ('redisUrl' in options) {
    return createRedisDeployLock(options);
  }
  return createPostgresDeployLock(options);
}
