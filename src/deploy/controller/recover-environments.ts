import { acquireDeployLock } from '../lock/acquire-deploy-lock.js';
import type { LockLease } from '../lock/deploy-lock.js';
import { getRelease, materializeRelease } from '../releases/index.js';
import { startReplicas } from './apply-replica-actions.js';
import { type ControllerRuntime, syncBackends } from './controller-runtime.js';
import type { DeploymentFailure } from './deployment.js';
import { finishDeployment } from './deployment-records.js';
import { listActiveDeployments } from './list-deployments.js';
import { environmentLockKey } from './run-deployment.js';

/** A dead holder's lease runs out within lockTtlMs; waiting longer means a live driver elsewhere. */
const lockWaitMs = 24 * 3600_000;
/** How long a restored replica may take to become ready. */
const readyTimeoutMs = 120_000;

interface EnvironmentKey {
  projectId: number;
  environment: string;
}

/**
 * After a restart (`kill -9` included) nothing of this process's former replicas runs and no loop
 * drives its deployments. For every environment that serves a release or has a rollout `running` or
 * `paused`: take the environment's lock like a deployment does — a live driver on another server
 * replica holds and renews it, so getting it proves nobody drives those rollouts — fail them as
 * interrupted, start the stable release's replicas again and give them all traffic. Deployments that
 * had not started yet are left to the caller to resume once this resolves.
 */
export async function recoverEnvironments(rt: ControllerRuntime, signal: AbortSignal): Promise<void> {
  const { rows } = await rt.db.query<EnvironmentKey>(
    `SELECT project_id AS "projectId", environment FROM environment_releases
     UNION SELECT project_id, environment FROM deployments WHERE finished_at IS NULL AND status IN ('running', 'paused')
     ORDER BY 1, 2`,
  );
  for (const row of rows) {
    if (signal.aborted || rt.closed) return;
    await recoverEnvironment(rt, Number(row.projectId), row.environment, signal);
  }
}

/** Unfinished deployments that had not taken their environment's lock yet: their loops can simply start again. */
export async function listWaitingDeployments(rt: ControllerRuntime): Promise<number[]> {
  const { rows } = await rt.db.query<{ id: number }>(
    `SELECT id FROM deployments WHERE finished_at IS NULL AND status IN ('queued', 'waiting_approval', 'waiting_lock') ORDER BY id`,
  );
  return rows.map((row) => Number(row.id));
}

async function recoverEnvironment(rt: ControllerRuntime, projectId: number, environment: string, signal: AbortSignal): Promise<void> {
  const turn = await acquireDeployLock(rt.lock, environmentLockKey(projectId, environment), `recovery-${process.pid}`, {
    ttlMs: rt.lockTtlMs,
    waitMs: lockWaitMs,
    signal,
    clock: rt.clock,
    minPollMs: 50,
    maxPollMs: 500,
  });
  if (turn.outcome !== 'acquired') return;
  const lease = turn.lease;
  const renew = setInterval(() => {
    rt.lock.renew(lease, rt.lockTtlMs).catch(() => false);
  }, Math.max(100, Math.floor(rt.lockTtlMs / 3)));
  try {
    await recoverUnderLock(rt, projectId, environment, lease, signal);
  } finally {
    clearInterval(renew);
    await rt.lock.release(lease).catch(() => false);
  }
}

async function recoverUnderLock(rt: ControllerRuntime, projectId: number, environment: string, lease: LockLease, signal: AbortSignal): Promise<void> {
  // Under the lock no deployment of the environment may legitimately be running or paused.
  const interrupted = (await listActiveDeployments(rt.db, projectId, environment)).filter((d) => d.status === 'running' || d.status === 'paused');
  const { rows } = await rt.db.query<{ service: string; releaseId: number }>(
    'SELECT service, release_id AS "releaseId" FROM environment_releases WHERE project_id = $1 AND environment = $2 ORDER BY service',
    [projectId, environment],
  );
  const serving = new Map<string, string>();
  for (const row of rows) serving.set(row.service, await restoreService(rt, Number(row.releaseId), signal));
  // Shutting down while replicas started: they are stopped with the target, the deployments stay for the next start.
  if (signal.aborted) return;
  for (const d of interrupted) {
    const failure: DeploymentFailure = {
      kind: 'infra',
      retryable: true,
      message: `interrupted: the server stopped while it ran; ${serving.get(d.service) ?? `the environment serves no release of ${d.service} (it had none before)`} — deploy again`,
    };
    await finishDeployment(rt.db, rt.clock, d.id, 'failed', failure);
    rt.metrics?.deploymentFinished(environment, 'failed');
    rt.logger?.info(
      { deploymentId: d.id, environment, service: d.service, version: d.version, status: 'failed', failure, fencingToken: lease.token },
      'deployment interrupted by a server restart',
    );
  }
}

/** Starts the release's missing replicas and, once they are ready, sends it all traffic; says what the environment serves. */
async function restoreService(rt: ControllerRuntime, releaseId: number, signal: AbortSignal): Promise<string> {
  const release = await getRelease(rt.db, releaseId);
  const service = release.service;
  try {
    const workdir = await materializeRelease(rt.blobs, rt.dataDir, release);
    const replicaIds = () =>
      rt.target
        .listReplicas()
        .filter((r) => r.service === service && r.version === release.version)
        .map((r) => r.id);
    await startReplicas(rt, { version: release.version, service: release.config, workdir, digest: release.digest }, Math.max(0, release.config.replicas - replicaIds().length));
    const ids = replicaIds();
    const shutdown = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(new Error('the server is shutting down'));
      signal.addEventListener('abort', () => reject(new Error('the server is shutting down')), { once: true });
    });
    await Promise.race([Promise.all(ids.map((id) => rt.target.waitForReady(id, { timeoutMs: readyTimeoutMs }))), shutdown]);
    await syncBackends(rt, service);
    await rt.router.setWeights(service, { [release.version]: 100 });
    rt.logger?.info({ service, version: release.version, replicas: ids.length }, 'release served again after a server restart');
    return `the environment serves ${release.version} again`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `${release.version}, the environment's release, could not be started again (${message})`;
  }
}
