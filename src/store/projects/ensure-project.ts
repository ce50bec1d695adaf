import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../db.js';
import { type Project, projectColumns } from './project.js';

export interface EnsureProjectInput {
  name: string;
  repoUrl?: string;
  /** Default `main`. */
  defaultBranch?: string;
}

/**
 * Returns the project called `name`, creating it when missing. An existing project is returned as it
 * is: repoUrl and defaultBranch only apply on creation. A project made here belongs to the team
 * `default` (people's requests create theirs in their own team first, see src/api/auth).
 */
export async function ensureProject(db: Db, input: EnsureProjectInput): Promise<Project> {
  if (input.name.trim() === '') {
    throw new AppError(ErrorCode.invalidArgument, 'a project needs a non-empty name');
  }
  const inserted = await db.query<Project>(
    `INSERT INTO projects (name, repo_url, default_branch, team_id) VALUES ($1, $2, $3, (SELECT id FROM teams WHERE name = 'default'))
     ON CONFLICT (name) DO NOTHING RETURNING ${projectColumns}`,
    [input.name, input.repoUrl ?? null, input.defaultBranch ?? 'main'],
  );
  if (inserted.rows[0]) return inserted.rows[0];
  // A separate statement on purpose: under READ COMMITTED it sees a row that a concurrent caller
  // committed after this INSERT's snapshot was taken (ON CONFLICT waited for it, RETURNING cannot show it).
  const existing = await db.query<Project>(`SELECT ${projectColumns} FROM projects WHERE name = $1`, [input.name]);
  const project = existing.rows[0];
  if (!project) throw new AppError(ErrorCode.internal, `project ${input.name} was neither created nor found`);
  return project;
}
