import type { Db } from '../../store/db.js';
import type { DecisionRecord } from './decision.js';
import { type DecisionRow, readDecisionRow, selectDecisionSql } from './decision-row.js';

/** The decision with this sequence number, or undefined when there is none (`slipway rollouts explain`). */
export async function getDecision(db: Db, sequence: number): Promise<DecisionRecord | undefined> {
  const { rows } = await db.query<DecisionRow>(`${selectDecisionSql} WHERE d.sequence = $1`, [sequence]);
  return rows[0] ? readDecisionRow(rows[0]) : undefined;
}
