import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../db.js';
import { type Run, runColumns } from './run.js';

export interface ListRunsOptions {
  /** Only this project's runs. Default: every project. */
  projectId?: number;
  /** At most this many runs, 1..1000. Default 50. */
  limit?: number;
  /** Only runs of projects owned by these teams. Default: every team's. */
  teamIds?: readonly number[];
}

export const maxListRunsLimit = 1000;

/** Runs, newest first. */
export async function listRuns(db: Db, options: ListRunsOptions = {}): Promise<Run[]> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxListRunsLimit) {
    throw new AppError(ErrorCode.invalidArgument, `limit must be an integer from 1 to ${maxListRunsLimit}, got ${limit}`);
  }
  // Ids grow in creation order, and within a project in run-number order (createRun numbers and
  // inserts under the project's row lock), so id order is newest first either way.
  const filters: string[] = [];
  const params: unknown[] = [limit];
  if (options.projectId !== undefined) filters.push(`project_id = $${params.push(options.projectId)}`);
  if (options.teamIds !== undefined) filters.push(`project_id IN (SELECT id FROM projects WHERE team_id = ANY($${params.push(options.teamIds)}::bigint[]))`);
  const where = filters.length === 0 ? '' : `WHERE ${filters.join(' AND ')}`;
  const result = await db.query<Run>(`SELECT ${runColumns} FROM runs ${where} ORDER BY id DESC LIMIT $1`, params);
  return result.rows;
}
