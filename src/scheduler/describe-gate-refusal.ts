import type { ApprovalRecord, GateStatus } from '../deploy/approvals/index.js';

/** What a refused gate's failure message is made of (an ApprovalRequest fits). */
export interface RefusedGate {
  id: number;
  /** null for an inline `- approval:` step. */
  environment: string | null;
  status: GateStatus;
  reasons: readonly string[];
  decisions: readonly Pick<ApprovalRecord, 'actor' | 'decision' | 'comment'>[];
}

/**
 * The `user` failure message of a job (or approval step) whose gate refused it: which gate, its
 * status, every reason, and the rejecters' comments — the author reads this to know what to change.
 */
export function describeGateRefusal(gate: RefusedGate): string {
  const where = gate.environment === null ? `approval request ${gate.id}` : `environment ${gate.environment} (approval request ${gate.id})`;
  const comments = gate.decisions
    .filter((decision) => decision.decision === 'reject' && decision.comment.trim() !== '')
    .map((decision) => `${decision.actor}: "${decision.comment}"`);
  const reasons = gate.reasons.length > 0 ? gate.reasons.join('; ') : 'no reason recorded';
  return `${where} was ${gate.status}: ${reasons}${comments.length > 0 ? ` — ${comments.join('; ')}` : ''}`;
}
