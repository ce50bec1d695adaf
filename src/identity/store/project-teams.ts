import type { Db } from '../../store/db.js';

/** A project as access checks see it. */
export interface ProjectAccess {
  projectId: number;
  project: string;
  /** null: made before teams existed and not yet given to one (administrators only). */
  teamId: number | null;
}

const accessColumns = `p.id::int AS "projectId", p.name AS project, p.team_id::int AS "teamId"`;

/** Where an access check finds the project of a request's subject. */
export type ProjectLookup = 'project' | 'run' | 'job' | 'deployment' | 'approval';

const lookups: Record<ProjectLookup, string> = {
  project: `SELECT ${accessColumns} FROM projects p WHERE p.name = $1`,
  run: `SELECT ${accessColumns} FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.id = $1`,
  job: `SELECT ${accessColumns} FROM jobs j JOIN runs r ON r.id = j.run_id JOIN projects p ON p.id = r.project_id WHERE j.id = $1`,
  deployment: `SELECT ${accessColumns} FROM deployments d JOIN projects p ON p.id = d.project_id WHERE d.id = $1`,
  approval: `SELECT ${accessColumns} FROM approval_requests a JOIN projects p ON p.id = a.project_id WHERE a.id = $1`,
};

/** undefined when the subject does not exist (or the key is not even well formed). */
export async function findProjectAccess(db: Db, lookup: ProjectLookup, key: string): Promise<ProjectAccess | undefined> {
  if (lookup !== 'project' && !/^[1-9][0-9]{0,17}$/.test(key)) return undefined;
  return (await db.query<ProjectAccess>(lookups[lookup], [key])).rows[0];
}

/** Creates the project in `teamId` unless it exists; returns it either way. */
export async function ensureProjectInTeam(db: Db, input: { project: string; teamId: number }): Promise<ProjectAccess> {
  await db.query('INSERT INTO projects (name, team_id) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [input.project, input.teamId]);
  return (await findProjectAccess(db, 'project', input.project))!;
}

export async function setProjectTeam(db: Db, input: { projectId: number; teamId: number }): Promise<void> {
  await db.query('UPDATE projects SET team_id = $2 WHERE id = $1', [input.projectId, input.teamId]);
}
