import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import type { DeployLock, LockLease } from '../lock/deploy-lock.js';

/** The release a service's environment serves (its stable release), or null before its first success. */
export async function readStableRelease(db: Db, projectId: number, environment: string, service: string): Promise<number | null> {
  const { rows } = await db.query<{ releaseId: number }>(
    'SELECT release_id AS "releaseId" FROM environment_releases WHERE project_id = $1 AND environment = $2 AND service = $3',
    [projectId, environment, service],
  );
  return rows[0] ? Number(rows[0].releaseId) : null;
}

/** The services an environment serves, by name. */
export async function listEnvironmentServices(db: Db, projectId: number, environment: string): Promise<string[]> {
  const { rows } = await db.query<{ service: string }>('SELECT service FROM environment_releases WHERE project_id = $1 AND environment = $2 ORDER BY service', [
    projectId,
    environment,
  ]);
  return rows.map((row) => row.service);
}

export interface StableChange {
  projectId: number;
  environment: string;
  service: string;
  releaseId: number;
  deploymentId: number;
}

/**
 * Makes the release the environment's stable one, only while `lease` is still the lock's current
 * lease: a deployment that lost its lock (paused process, expired lease) is refused with conflict
 * instead of overwriting what its successor deployed. The row also refuses an older token.
 */
export async function writeStableRelease(db: Db, clock: Clock, lock: DeployLock, lease: LockLease, change: StableChange): Promise<void> {
  const current = await lock.current(lease.key);
  if (current === null || current.token !== lease.token || current.holder !== lease.holder) {
    throw new AppError(ErrorCode.conflict, `deployment ${change.deploymentId} no longer holds the lock of ${change.environment} (fencing token ${lease.token}); its result is not recorded`);
  }
  const { rowCount } = await db.query(
    `INSERT INTO environment_releases AS e (project_id, environment, service, release_id, deployment_id, fencing_token, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (project_id, environment, service) DO UPDATE
     SET release_id = excluded.release_id, deployment_id = excluded.deployment_id, fencing_token = excluded.fencing_token,
         updated_at = excluded.updated_at
     WHERE e.fencing_token <= excluded.fencing_token`,
    [change.projectId, change.environment, change.service, change.releaseId, change.deploymentId, lease.token, new Date(clock.now())],
  );
  if (rowCount === 0) throw new AppError(ErrorCode.conflict, `a newer deployment of ${change.environment} already recorded its release; deployment ${change.deploymentId} is stale`);
}
