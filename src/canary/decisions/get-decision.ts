import type { Db } from '../../store/db.js';
import type { DecisionRecord } from './decision.js';
import { type DecisionRow, readDecisionRow, selectDecisionSql } from './decision-row.js';
import { rolloutInTeamsSql, type TeamScope, teamScopeParam } from './team-scope.js';

/**
 * The decision with this sequence number, or undefined when there is none, or none of a rollout in
 * `teams` (`slipway rollouts explain`).
 */
export async function getDecision(db: Db, sequence: number, teams?: TeamScope): Promise<DecisionRecord | undefined> {
  const { rows } = await db.query<DecisionRow>(`${selectDecisionSql} WHERE d.sequence = $1 AND ${rolloutInTeamsSql(2)}`, [sequence, teamScopeParam(teams)]);
  return rows[0] ? readDecisionRow(rows[0]) : undefined;
}
