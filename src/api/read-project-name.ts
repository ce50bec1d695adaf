import type { Db } from '../store/index.js';

/** A project's name by id, for audit entries of routes that only hold ids; null when it is gone. */
export async function readProjectName(db: Db, projectId: number): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM projects WHERE id = $1', [projectId]);
  return rows[0]?.name ?? null;
}

/** The name of a run's project; null for an unknown run. */
export async function readRunProjectName(db: Db, runId: number): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>('SELECT p.name FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.id = $1', [runId]);
  return rows[0]?.name ?? null;
}
