import type { Db } from '../../store/index.js';
import { getEnvironmentFreezeWindows } from '../environments/get-environment.js';
import type { ApprovalRequest, GateStatus } from './approval-request.js';
import { type GateEvaluation, evaluateGate } from './evaluate-gate.js';

/**
 * Evaluates a stored gate at nowMs. A gate keeps the rules it opened under — a later edit does not move
 * the approvals it asked for — except freeze windows: a freeze a maintainer declares applies at once,
 * to gates already open too.
 */
export async function evaluateStoredGate(db: Db, request: ApprovalRequest, nowMs: number): Promise<GateEvaluation> {
  const currentFreezes = request.environmentId === null ? [] : await getEnvironmentFreezeWindows(db, request.environmentId);
  const rules = { ...request.rules, freezeWindows: [...request.rules.freezeWindows, ...currentFreezes] };
  const risk = request.riskScore === null ? undefined : { score: request.riskScore, factors: request.riskFactors };
  return evaluateGate({
    rules,
    requiredApprovals: request.requiredApprovals,
    change: { author: request.author, branch: request.branch },
    decisions: request.decisions,
    ...(risk === undefined ? {} : { risk }),
    openedAtMs: request.createdAt.getTime(),
    nowMs,
  });
}

/** The status an evaluation puts a gate in. */
export function statusFor(evaluation: GateEvaluation, humanApproved: boolean): GateStatus {
  if (evaluation.decision === 'refuse') return 'rejected';
  if (evaluation.decision === 'wait') return 'pending';
  return evaluation.autoApproved && !humanApproved ? 'auto-approved' : 'approved';
}
