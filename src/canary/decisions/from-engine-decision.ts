import type { Decision } from '../engine/decision.js';
import type { DecisionInput } from './decision.js';

/**
 * The engine's decision as the store takes it, or undefined for NONE (keep the current course), which
 * is neither stored nor published. The engine's window bounds and per-rule evidence go into the
 * evidence object, so a stored decision can be checked by hand without the engine.
 */
export function fromEngineDecision(decision: Decision): DecisionInput | undefined {
  if (decision.action === 'NONE') return undefined;
  return {
    rolloutId: decision.rolloutId,
    step: decision.step,
    action: decision.action,
    verdict: decision.verdict,
    reasons: decision.reasons,
    evidence: {
      policyName: decision.policyName,
      windowStartMs: decision.windowStartMs,
      windowEndMs: decision.windowEndMs,
      decidedAtMs: decision.decidedAtMs,
      healthyForMs: decision.healthyForMs,
      rules: decision.evidence,
    },
    policyVersion: decision.policyVersion,
    idempotencyKey: decision.idempotencyKey,
  };
}
