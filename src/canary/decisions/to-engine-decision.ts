import type { Decision, RuleEvidence } from '../engine/decision.js';
import type { DecisionRecord } from './decision.js';

/**
 * A stored decision back in the engine's shape, for formatDecisionLine / formatDecisionEvidence: the
 * inverse of fromEngineDecision. Evidence written by something other than the engine may lack fields;
 * they read as 0 or empty rather than failing, since this is for display only.
 */
export function toEngineDecision(record: DecisionRecord): Decision {
  const evidence = record.evidence;
  const number = (key: string): number => (typeof evidence[key] === 'number' ? (evidence[key] as number) : 0);
  return {
    idempotencyKey: record.idempotencyKey,
    rolloutId: record.rolloutId,
    step: record.step,
    policyName: typeof evidence['policyName'] === 'string' ? evidence['policyName'] : '',
    policyVersion: record.policyVersion,
    windowStartMs: number('windowStartMs'),
    windowEndMs: number('windowEndMs'),
    decidedAtMs: number('decidedAtMs') || record.createdAtMs,
    action: record.action,
    verdict: record.verdict,
    reasons: [...record.reasons],
    evidence: Array.isArray(evidence['rules']) ? (evidence['rules'] as RuleEvidence[]) : [],
    healthyForMs: number('healthyForMs'),
  };
}
