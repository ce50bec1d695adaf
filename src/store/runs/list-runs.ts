import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../db.js';
import { type Run, runColumns } from './run.js';

export interface ListRunsOptions {
  /** Only this project's runs. Default: every project. */
  projectId?: number;
  /** At most this many runs, 1..1000. Default 50. */
  limit?: number;
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
  const result =
    options.projectId === undefined
      ? await db.query<Run>(`SELECT ${runColumns} FROM runs ORDER BY id DESC LIMIT $1`, [limit])
      : await db.query<Run>(`SELECT ${runColumns} FROM runs WHERE project_id = $1 ORDER BY id DESC LIMIT $2`, [
          options.projectId,
          limit,
        ]);
  return result.rows;
}
