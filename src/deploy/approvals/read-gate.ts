import { type Clock, systemClock } from '../../clock/clock.js';
import type { Db } from '../../store/index.js';
import { type ApprovalRequest, type GateStatus, loadRequest, lockRequest } from './approval-request.js';
import { evaluateStoredGate, statusFor } from './evaluate-stored-gate.js';

export interface GateReading {
  status: GateStatus;
  reasons: string[];
  /** When asking again may change a pending gate's answer (its wait timer), if known. */
  retryAtMs?: number;
  request: ApprovalRequest;
}

/**
 * The gate's status now: a pending gate is re-evaluated (its wait timer may have run out, a freeze may
 * have begun) and expired past its timeout, and the outcome is stored. What the scheduler polls.
 */
export async function readGate(db: Db, id: number, clock: Clock = systemClock): Promise<GateReading> {
  return db.transaction(async (tx) => {
    await lockRequest(tx, id);
    const request = await loadRequest(tx, id);
    if (request.status !== 'pending') return { status: request.status, reasons: request.reasons, request };
    const nowMs = clock.now();
    if (request.expiresAt !== null && request.expiresAt.getTime() <= nowMs) {
      const reasons = [...request.reasons, `expired at ${request.expiresAt.toISOString()}: nobody decided in time`];
      await tx.query(`UPDATE approval_requests SET status = 'expired', reasons = $2, decided_at = $3 WHERE id = $1`, [id, reasons, new Date(nowMs)]);
      return { status: 'expired', reasons, request: await loadRequest(tx, id) };
    }
    const evaluation = await evaluateStoredGate(tx, request, nowMs);
    const status = statusFor(evaluation, evaluation.approvers.length > 0);
    await tx.query('UPDATE approval_requests SET status = $2, reasons = $3, decided_at = $4 WHERE id = $1', [
      id, status, evaluation.reasons, status === 'pending' ? null : new Date(nowMs),
    ]);
    const retry = evaluation.retryAtMs === undefined ? {} : { retryAtMs: evaluation.retryAtMs };
    return { status, reasons: evaluation.reasons, ...retry, request: await loadRequest(tx, id) };
  });
}
