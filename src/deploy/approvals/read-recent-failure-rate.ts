import type { Db } from '../../store/index.js';

/** How many finished runs make "recent": enough to smooth one flake, few enough to follow a fix. */
export const recentRunsWindow = 20;

/**
 * Share of the project's last finished runs that failed (canceled ones say nothing about the code and
 * are left out); undefined without any. Runs stand in for deployments until releases are stored.
 */
export async function readRecentFailureRate(db: Db, projectId: number, window = recentRunsWindow): Promise<number | undefined> {
  const { rows } = await db.query<{ finished: number; failed: number }>(
    `SELECT count(*)::int AS finished, count(*) FILTER (WHERE status = 'failed')::int AS failed
     FROM (SELECT status FROM runs WHERE project_id = $1 AND status IN ('succeeded', 'failed') ORDER BY id DESC LIMIT $2) recent`,
    [projectId, window],
  );
  const row = rows[0];
  return row && row.finished > 0 ? row.failed / row.finished : undefined;
}
