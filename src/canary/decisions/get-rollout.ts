import type { Db } from '../../store/db.js';
import type { CanaryRollout } from './rollout.js';
import { readRolloutRow, type RolloutRow, rolloutColumns } from './rollout-row.js';
import { rolloutInTeamsSql, type TeamScope, teamScopeParam } from './team-scope.js';

/** The rollout, or undefined when there is none with this id, or none of a project of `teams`. */
export async function getRollout(db: Db, id: string, teams?: TeamScope): Promise<CanaryRollout | undefined> {
  const { rows } = await db.query<RolloutRow>(`SELECT ${rolloutColumns} FROM canary_rollouts r WHERE r.id = $1 AND ${rolloutInTeamsSql(2)}`, [id, teamScopeParam(teams)]);
  return rows[0] ? readRolloutRow(rows[0]) : undefined;
}

/** What telemetry ingestion checks of a rollout: its service and the team owning its project (null: none). */
export interface RolloutOwner {
  service: string;
  teamId: number | null;
}

/** The owners of those ids that exist, in one round trip (telemetry ingestion checks many at once). */
export async function getRolloutOwners(db: Db, ids: readonly string[]): Promise<Map<string, RolloutOwner>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; service: string; team_id: number | string | null }>(
    `SELECT r.id, r.service, p.team_id FROM canary_rollouts r LEFT JOIN projects p ON p.id = r.project_id WHERE r.id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, { service: row.service, teamId: row.team_id === null ? null : Number(row.team_id) }]));
}
