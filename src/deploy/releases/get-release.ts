import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import { type Release, releaseColumns, toRelease } from './release.js';

export async function getRelease(db: Db, id: number): Promise<Release> {
  const { rows } = await db.query<Release>(`SELECT ${releaseColumns} FROM releases WHERE id = $1`, [id]);
  if (!rows[0]) throw new AppError(ErrorCode.notFound, `no release ${id}`);
  return toRelease(rows[0]);
}

/** The release `version` of a project's service, or not_found naming how to list them. */
export async function findReleaseByVersion(db: Db, projectId: number, service: string, version: string): Promise<Release> {
  const { rows } = await db.query<Release>(`SELECT ${releaseColumns} FROM releases WHERE project_id = $1 AND service = $2 AND version = $3`, [
    projectId,
    service,
    version,
  ]);
  if (!rows[0]) throw new AppError(ErrorCode.notFound, `service ${service} has no release ${version}: see \`slipway deployments --project P --env E\` for deployed versions`);
  return toRelease(rows[0]);
}
