/**
 * deploy/ — the CD half: environments, protection rules, approvals, locks, releases, strategies,
 * targets, router. So far: the deployment lock.
 *
 * Glossary
 * - environment: a named place a project deploys to (staging, production); the unit of the lock.
 * - deployment: one attempt to put a release into an environment; it holds the environment's lock
 *   from its first change to the target until it finishes.
 * - lock: at most one deployment per environment at a time; later ones wait in arrival order, or
 *   replace the waiting ones when they ask to supersede (the running one is never interrupted).
 * - lease: a holder's time-limited ownership of a lock (key, holder, token, expiresAt); kept by
 *   renewing before it expires, ended by release or by expiry when the holder dies.
 * - fencing token: a per-environment number, larger for every new lease; every write a deployment
 *   makes carries it, so a holder that lost its lease (paused, partitioned) is refused.
 * - holder: who holds or waits for a lock — a deployment's id.
 * - waiter: a holder's place in an environment's queue; it must keep polling to keep its place.
 * - router: sends a service's traffic to its replicas by per-version (or per-track) weights, sticky by
 *   cookie or header, and reports every request (version, track, status, latency); built-in or HAProxy.
 */
export {
  type AcquireOptions,
  type AcquireOutcome,
  acquireDeployLock,
} from './lock/acquire-deploy-lock.js';
export { type CreateDeployLockOptions, createDeployLock } from './lock/create-deploy-lock.js';
export type {
  DeployLock,
  DeployLockBackend,
  JoinQueueOptions,
  LockLease,
  LockTurn,
  LockWaiter,
} from './lock/deploy-lock.js';
export { type PostgresDeployLockOptions, createPostgresDeployLock } from './lock/postgres/deploy-lock.js';
export { type RedisDeployLockOptions, createRedisDeployLock, defaultRedisKeyPrefix } from './lock/redis/deploy-lock.js';
