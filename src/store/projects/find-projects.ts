import type { Db } from '../db.js';
import { type Project, projectColumns } from './project.js';

/** The project called `name`, or undefined. */
export async function findProjectByName(db: Db, name: string): Promise<Project | undefined> {
  const result = await db.query<Project>(`SELECT ${projectColumns} FROM projects WHERE name = $1`, [name]);
  return result.rows[0];
}

/** Project names by id, for labelling lists of runs; unknown ids are left out. */
export async function getProjectNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const result = await db.query<{ id: number; name: string }>('SELECT id, name FROM projects WHERE id = ANY($1::bigint[])', [
    [...new Set(ids)],
  ]);
  return new Map(result.rows.map((row) => [Number(row.id), row.name]));
}

/** Every project bound to a repository, oldest first: webhooks look theirs up, schedules run over them. */
export async function listProjectsWithRepo(db: Db): Promise<(Project & { repoUrl: string })[]> {
  const result = await db.query<Project & { repoUrl: string }>(
    `SELECT ${projectColumns} FROM projects WHERE repo_url IS NOT NULL ORDER BY id`,
  );
  return result.rows.map((row) => ({ ...row, id: Number(row.id) }));
}
