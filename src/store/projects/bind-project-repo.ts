import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../db.js';
import { type Project, projectColumns } from './project.js';

/**
 * Records repoUrl as the project's repository when it has none yet. A project already bound to
 * another repository is refused (conflict): silently re-pointing it would mix two histories in one
 * run numbering.
 */
export async function bindProjectRepo(db: Db, project: Project, repoUrl: string): Promise<Project> {
  if (project.repoUrl === repoUrl) return project;
  if (project.repoUrl === null) {
    const updated = await db.query<Project>(
      `UPDATE projects SET repo_url = $2 WHERE id = $1 AND repo_url IS NULL RETURNING ${projectColumns}`,
      [project.id, repoUrl],
    );
    if (updated.rows[0]) return updated.rows[0];
    const current = await db.query<Project>(`SELECT ${projectColumns} FROM projects WHERE id = $1`, [project.id]);
    if (current.rows[0]?.repoUrl === repoUrl) return current.rows[0];
    return refuse(project.name, current.rows[0]?.repoUrl ?? null, repoUrl);
  }
  return refuse(project.name, project.repoUrl, repoUrl);
}

function refuse(name: string, bound: string | null, wanted: string): never {
  throw new AppError(
    ErrorCode.conflict,
    `project ${name} is bound to repository ${bound}, not ${wanted}: use that address, or another project name`,
    { details: { project: name, repoUrl: bound } },
  );
}
