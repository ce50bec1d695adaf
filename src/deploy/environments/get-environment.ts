import type { Db } from '../../store/index.js';
import { type Environment, environmentColumns, toEnvironment } from './environment.js';
import type { ProtectionRules } from './protection-rules.js';

/** The project's environment called `name`, or undefined. */
export async function getEnvironment(db: Db, projectId: number, name: string): Promise<Environment | undefined> {
  const { rows } = await db.query<Environment>(`SELECT ${environmentColumns} FROM environments WHERE project_id = $1 AND name = $2`, [
    projectId,
    name,
  ]);
  return rows[0] ? toEnvironment(rows[0]) : undefined;
}

/** The project's environments by name. */
export async function listEnvironments(db: Db, projectId: number): Promise<Environment[]> {
  const { rows } = await db.query<Environment>(`SELECT ${environmentColumns} FROM environments WHERE project_id = $1 ORDER BY name`, [
    projectId,
  ]);
  return rows.map(toEnvironment);
}

/** The current freeze windows of an environment by id; none when it was deleted. */
export async function getEnvironmentFreezeWindows(db: Db, environmentId: number): Promise<ProtectionRules['freezeWindows']> {
  const { rows } = await db.query<{ rules: ProtectionRules }>('SELECT rules FROM environments WHERE id = $1', [environmentId]);
  return rows[0]?.rules.freezeWindows ?? [];
}
