import type { Db } from '../../store/index.js';
import { type ApprovalRequest, type GateStatus, loadRequests } from './approval-request.js';

export interface ListGatesOptions {
  status?: GateStatus;
  projectId?: number;
  /** Default 100. */
  limit?: number;
  /** Only gates of projects owned by these teams. Default: every team's. */
  teamIds?: readonly number[];
}

/** Gates, newest first, each with its decisions. */
export async function listGates(db: Db, options: ListGatesOptions = {}): Promise<ApprovalRequest[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM approval_requests WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR project_id = $2)
       AND ($4::bigint[] IS NULL OR project_id IN (SELECT id FROM projects WHERE team_id = ANY($4::bigint[])))
     ORDER BY id DESC LIMIT $3`,
    [options.status ?? null, options.projectId ?? null, options.limit ?? 100, options.teamIds ?? null],
  );
  return loadRequests(db, rows.map((row) => Number(row.id)));
}
