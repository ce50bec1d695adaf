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
  /** Only runs older than this run id (keyset pagination: the last id of the previous page). */
  beforeId?: number;
}

export const maxListRunsLimit = 1000;

/** Runs, newest first. */
export async function listRuns(db: Db, options: ListRunsOptions = {}): Promise<Run[]> {
  return selectRuns(db, options, checkedLimit(options.limit));
}

/** One page of runs, newest first, and the cursor of the next page (`beforeId`), null when there is none. */
export async function listRunsPage(db: Db, options: ListRunsOptions = {}): Promise<{ runs: Run[]; next: number | null }> {
  const limit = checkedLimit(options.limit);
  // One more than asked tells whether a next page exists.
  const rows = await selectRuns(db, options, limit + 1);
  if (rows.length <= limit) return { runs: rows, next: null };
  const runs = rows.slice(0, limit);
  return { runs, next: Number(runs.at(-1)!.id) };
}

function checkedLimit(limit = 50): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > maxListRunsLimit) {
    throw new AppError(ErrorCode.invalidArgument, `limit must be an integer from 1 to ${maxListRunsLimit}, got ${limit}`);
  }
  return limit;
}

async function selectRuns(db: Db, options: ListRunsOptions, limit: number): Promise<Run[]> {
  // Ids grow in creation order, and within a project in run-number order (createRun numbers and
  // inserts under the project's row lock), so id order is newest first either way.
  const filters: string[] = [];
  const params: unknown[] = [limit];
  if (options.projectId !== undefined) filters.push(`project_id = $${params.push(options.projectId)}`);
  if (options.beforeId !== undefined) filters.push(`id < $${params.push(options.beforeId)}`);
  if (options.teamIds !== undefined) filters.push(`project_id IN (SELECT id FROM projects WHERE team_id = ANY($${params.push(options.teamIds)}::bigint[]))`);
  const where = filters.length === 0 ? '' : `WHERE ${filters.join(' AND ')}`;
  const result = await db.query<Run>(`SELECT ${runColumns} FROM runs ${where} ORDER BY id DESC LIMIT $1`, params);
  return result.rows;
}
