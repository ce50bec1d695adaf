import type { Db } from '../../store/index.js';

/**
 * true when the environment existed. Its gates stay, with their name and the rules they opened
 * under (approval_requests.environment_id becomes NULL), so the history of approvals survives.
 */
export async function deleteEnvironment(db: Db, projectId: number, name: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM environments WHERE project_id = $1 AND name = $2', [projectId, name]);
  return rowCount > 0;
}
