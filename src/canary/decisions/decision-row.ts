import type { Verdict } from '../judges/verdict.js';
import type { DecisionRecord, RecordedAction } from './decision.js';

/** The decision with its rollout's service; callers add FROM/JOIN and WHERE. */
export const selectDecisionSql = `SELECT d.sequence, d.rollout_id, r.service, d.step, d.action, d.verdict, d.reasons, d.evidence,
         d.policy_version, d.idempotency_key, d.created_at
  FROM canary_decisions d JOIN canary_rollouts r ON r.id = d.rollout_id`;

export interface DecisionRow {
  sequence: number;
  rollout_id: string;
  service: string;
  step: number;
  action: RecordedAction;
  verdict: Verdict;
  reasons: string[];
  evidence: Record<string, unknown>;
  policy_version: string;
  idempotency_key: string;
  created_at: Date;
}

export function readDecisionRow(row: DecisionRow): DecisionRecord {
  return {
    sequence: row.sequence,
    rolloutId: row.rollout_id,
    service: row.service,
    step: row.step,
    action: row.action,
    verdict: row.verdict,
    reasons: row.reasons,
    evidence: row.evidence,
    policyVersion: row.policy_version,
    idempotencyKey: row.idempotency_key,
    createdAtMs: row.created_at.getTime(),
  };
}
