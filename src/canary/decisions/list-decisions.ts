import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import type { DecisionRecord } from './decision.js';
import { type DecisionRow, readDecisionRow, selectDecisionSql } from './decision-row.js';
import { rolloutInTeamsSql, type TeamScope, teamScopeParam } from './team-scope.js';

export interface ListDecisionsOptions {
  /** Only decisions with a greater sequence. Default 0: from the first. */
  afterSequence?: number;
  /** Only this service's decisions. */
  service?: string;
  /** Only this rollout's decisions. */
  rolloutId?: string;
  /** At most this many, 1-1000. Default 100. */
  limit?: number;
  /** Only rollouts of these teams' projects (team-scope.ts). Default: every rollout. */
  teams?: TeamScope;
}

export const maxListDecisionsLimit = 1000;

/** Decisions in sequence order. Reading "after the last one seen" again never repeats or skips one. */
export async function listDecisions(db: Db, options: ListDecisionsOptions = {}): Promise<DecisionRecord[]> {
  const afterSequence = options.afterSequence ?? 0;
  const limit = options.limit ?? 100;
  if (!Number.isSafeInteger(afterSequence) || afterSequence < 0) {
    throw new AppError(ErrorCode.invalidArgument, `afterSequence must be a whole number ≥ 0, got ${afterSequence}`);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > maxListDecisionsLimit) {
    throw new AppError(ErrorCode.invalidArgument, `limit must be a whole number from 1 to ${maxListDecisionsLimit}, got ${limit}`);
  }
  const { rows } = await db.query<DecisionRow>(
    `${selectDecisionSql}
     WHERE d.sequence > $1 AND ($2::text IS NULL OR r.service = $2) AND ($3::text IS NULL OR d.rollout_id = $3)
       AND ${rolloutInTeamsSql(5)}
     ORDER BY d.sequence
     LIMIT $4`,
    [afterSequence, options.service ?? null, options.rolloutId ?? null, limit, teamScopeParam(options.teams)],
  );
  return rows.map(readDecisionRow);
}
