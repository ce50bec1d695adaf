import type { Db } from '../../store/index.js';
import { type Deployment, deploymentColumns, deploymentFrom, toDeployment } from './deployment.js';

/** An environment's deployments, newest first: its history. */
export async function listDeployments(db: Db, projectId: number, environment: string, limit = 50): Promise<Deployment[]> {
  const { rows } = await db.query<Deployment>(
    `SELECT ${deploymentColumns} FROM ${deploymentFrom} WHERE d.project_id = $1 AND d.environment = $2 ORDER BY d.id DESC LIMIT $3`,
    [projectId, environment, limit],
  );
  return rows.map(toDeployment);
}

/** The environment's deployments of `service` that have not finished, oldest first. */
export async function listActiveDeployments(db: Db, projectId: number, environment: string, service?: string): Promise<Deployment[]> {
  const { rows } = await db.query<Deployment>(
    `SELECT ${deploymentColumns} FROM ${deploymentFrom}
     WHERE d.project_id = $1 AND d.environment = $2 AND ($3::text IS NULL OR d.service = $3) AND d.finished_at IS NULL ORDER BY d.id`,
    [projectId, environment, service ?? null],
  );
  return rows.map(toDeployment);
}
