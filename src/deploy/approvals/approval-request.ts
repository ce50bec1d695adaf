import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import type { ProtectionRules } from '../environments/protection-rules.js';
import type { RiskFactor } from './score-risk.js';

export const gateStatuses = ['pending', 'approved', 'rejected', 'expired', 'auto-approved'] as const;
export type GateStatus = (typeof gateStatuses)[number];

/** One accepted approval or rejection of a gate. */
export interface ApprovalRecord {
  actor: string;
  role: string;
  decision: 'approve' | 'reject';
  comment: string;
  decidedAt: Date;
}

/** A gate: what a deployment (or an inline approval step) waits at, and everything decided on it. */
export interface ApprovalRequest {
  id: number;
  projectId: number;
  /** null for an inline approval step. */
  environment: string | null;
  /** null for an inline approval step, or once the environment was deleted. */
  environmentId: number | null;
  runId: number | null;
  jobKey: string | null;
  deploymentRef: string | null;
  author: string;
  branch: string;
  /** The rules in force when the gate opened. */
  rules: ProtectionRules;
  requiredApprovals: number;
  riskScore: number | null;
  riskFactors: RiskFactor[];
  status: GateStatus;
  reasons: string[];
  expiresAt: Date | null;
  createdAt: Date;
  decidedAt: Date | null;
  /** Oldest first. */
  decisions: ApprovalRecord[];
}

export const requestColumns = `r.id, r.project_id AS "projectId", r.environment, r.environment_id AS "environmentId",
  r.run_id AS "runId", r.job_key AS "jobKey", r.deployment_ref AS "deploymentRef", r.author, r.branch, r.rules,
  r.required_approvals AS "requiredApprovals", r.risk_score AS "riskScore", r.risk_factors AS "riskFactors",
  r.status, r.reasons, r.expires_at AS "expiresAt", r.created_at AS "createdAt", r.decided_at AS "decidedAt"`;

type RequestRow = Omit<ApprovalRequest, 'decisions'>;

/** The gates with these ids (in the order given), each with its decisions. */
export async function loadRequests(db: Db, ids: readonly number[]): Promise<ApprovalRequest[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<RequestRow>(`SELECT ${requestColumns} FROM approval_requests r WHERE r.id = ANY($1::bigint[])`, [ids]);
  const decisions = await db.query<ApprovalRecord & { requestId: number }>(
    `SELECT request_id AS "requestId", actor, role, decision, comment, decided_at AS "decidedAt"
     FROM approvals WHERE request_id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [Number(row.id), toRequest(row)]));
  for (const { requestId, ...decision } of decisions.rows) byId.get(Number(requestId))?.decisions.push(decision);
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The gate `id`; unknown ids are refused with a message saying how to find the right one. */
export async function loadRequest(db: Db, id: number): Promise<ApprovalRequest> {
  const [request] = await loadRequests(db, [id]);
  if (!request) throw new AppError(ErrorCode.notFound, `no approval request ${id}: list the pending ones with \`slipway approvals --pending\``);
  return request;
}

/** Takes the gate's row lock for the rest of the transaction, so decisions on one gate are serialised. */
export async function lockRequest(tx: Db, id: number): Promise<void> {
  const { rowCount } = await tx.query('SELECT 1 FROM approval_requests WHERE id = $1 FOR UPDATE', [id]);
  if (rowCount === 0) throw new AppError(ErrorCode.notFound, `no approval request ${id}: list the pending ones with \`slipway approvals --pending\``);
}

function toRequest(row: RequestRow): ApprovalRequest {
  const optionalId = (value: number | null) => (value === null ? null : Number(value));
  return {
    ...row,
    id: Number(row.id),
    projectId: Number(row.projectId),
    environmentId: optionalId(row.environmentId),
    runId: optionalId(row.runId),
    decisions: [],
  };
}
