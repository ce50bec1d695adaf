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
 * - service spec: how a release runs — start command, port ($PORT), replicas, readiness/liveness
 *   probes, env, secrets, stop timeout (targets/service-spec.ts).
 * - target: where replicas run, behind one interface: local (processes of the server, on its host)
 *   or agents (SLIPWAY_DEPLOY_TARGET=agents); Kubernetes planned.
 * - deploy agent: an agent started with `--roles deploy`; it holds a replica command stream open,
 *   runs the replicas placed on it with its own local target, fetches release files by digest, and
 *   reports in order. Lost when it stays silent for the lease: its replicas restart on another deploy
 *   agent (crashed → restarted), or fail when none is online — a rollout in progress then rolls back.
 * - replica: one running instance of a release on a target: starting, ready, unhealthy, crashed
 *   (restart pending), failed (exited before it was ever ready; not restarted), stopping, stopped.
 * - readiness / liveness: HTTP probes; readiness gates traffic, liveness failing restarts the replica.
 * - rollout: the strategy-driven change of a deployment from the stable release to the new one.
 * - strategy: recreate, rolling, blueGreen or canary; a pure planner returns a rollout's next actions.
 * - stable: the previous healthy release, where a rollback returns traffic.
 * - step: one canary stage — setWeight, pause (timed, or until promote), analysis.
 * - promote: `slipway promote` ends the current pause; `--full` skips every remaining step.
 * - abort / rollback: give up on the new release — its weight to 0 first (when stable can take the
 *   traffic), then scale it down.
 * - progress deadline: how long a new replica may take to become ready before the rollout rolls back.
 * - scale-down delay: how long blue stays up after a blue-green switch, for an instant switchback.
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
export { type DeployController, type DeployControllerOptions, createDeployController } from './controller/index.js';
