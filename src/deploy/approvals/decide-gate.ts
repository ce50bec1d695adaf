import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import { approverRoles } from '../environments/protection-rules.js';
import { type ApprovalRequest, loadRequest, lockRequest } from './approval-request.js';
import { evaluateStoredGate, statusFor } from './evaluate-stored-gate.js';
import { readGate } from './read-gate.js';

export interface DecideGateInput {
  requestId: number;
  actor: string;
  role: string;
  decision: 'approve' | 'reject';
  /** Required to reject: the author needs to know why. */
  comment?: string;
}

/**
 * Records one person's approval or rejection of a pending gate and re-evaluates it. Refused, with
 * nothing recorded: an unknown gate, one already decided (or expired), the change's own author, a role
 * whose approvals do not count, a second decision by the same person. One rejection rejects the gate.
 */
export async function decideGate(db: Db, clock: Clock, input: DecideGateInput): Promise<ApprovalRequest> {
  const comment = input.comment?.trim() ?? '';
  if (input.actor.trim() === '') throw new AppError(ErrorCode.unauthenticated, 'a decision needs the actor who makes it');
  if (input.decision === 'reject' && comment === '') {
    throw new AppError(ErrorCode.invalidArgument, `rejecting approval request ${input.requestId} needs a comment saying why (--comment)`);
  }
  // Expires the gate first when its time is up; committed on its own so a refusal below cannot undo it.
  await readGate(db, input.requestId, clock);
  return db.transaction(async (tx) => {
    await lockRequest(tx, input.requestId);
    const request = await loadRequest(tx, input.requestId);
    checkDecisionAllowed(request, input);
    const nowMs = clock.now();
    try {
      await tx.query('INSERT INTO approvals (request_id, actor, role, decision, comment, decided_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        request.id, input.actor, input.role, input.decision, comment, new Date(nowMs),
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw alreadyDecided(request, input.actor, error);
      throw error;
    }
    const decided = await loadRequest(tx, request.id);
    const evaluation = await evaluateStoredGate(tx, decided, nowMs);
    const status = statusFor(evaluation, evaluation.approvers.length > 0);
    await tx.query('UPDATE approval_requests SET status = $2, reasons = $3, decided_at = $4 WHERE id = $1', [
      request.id, status, evaluation.reasons, status === 'pending' ? null : new Date(nowMs),
    ]);
    return loadRequest(tx, request.id);
  });
}

function checkDecisionAllowed(request: ApprovalRequest, input: DecideGateInput): void {
  const what = `approval request ${request.id}${request.environment === null ? '' : ` (environment ${request.environment})`}`;
  if (request.status !== 'pending') {
    throw new AppError(
      ErrorCode.conflict,
      `${what} is already ${request.status}${request.decidedAt ? ` since ${request.decidedAt.toISOString()}` : ''}: there is nothing left to decide`,
      { details: { status: request.status } },
    );
  }
  if (input.actor === request.author) {
    throw new AppError(
      ErrorCode.permissionDenied,
      `${input.actor} is the author of the change behind ${what} and cannot approve or reject their own deployment: ask another approver`,
      { details: { reason: 'author_cannot_decide' } },
    );
  }
  const roles = approverRoles(request.rules);
  if (!roles.includes(input.role)) {
    throw new AppError(
      ErrorCode.permissionDenied,
      `${input.actor} has role ${input.role}, which may not decide ${what}: only ${roles.join(' or ')} may`,
      { details: { reason: 'not_an_approver', roles } },
    );
  }
  if (request.decisions.some((d) => d.actor === input.actor)) throw alreadyDecided(request, input.actor);
}

function alreadyDecided(request: ApprovalRequest, actor: string, cause?: unknown): AppError {
  const previous = request.decisions.find((d) => d.actor === actor);
  const what = previous ? `already ${previous.decision === 'approve' ? 'approved' : 'rejected'}` : 'already decided';
  return new AppError(ErrorCode.alreadyExists, `${actor} ${what} approval request ${request.id}: one decision per person`, {
    cause,
    details: { reason: 'duplicate_decision' },
  });
}
