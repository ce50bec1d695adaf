import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import { getEnvironment } from '../environments/get-environment.js';
import { parseProtectionRules, type ProtectionRules } from '../environments/protection-rules.js';
import { type ApprovalRequest, loadRequest } from './approval-request.js';
import { type GateChange, type GateEvaluation, evaluateGate } from './evaluate-gate.js';
import { statusFor } from './evaluate-stored-gate.js';
import { readRecentFailureRate } from './read-recent-failure-rate.js';
import { scoreRisk } from './score-risk.js';

/** The change behind a gate: who and where (GateChange), plus what the risk score reads. */
export interface OpenGateChange extends GateChange {
  linesChanged?: number;
  filesChanged?: number;
  paths?: readonly string[];
  /** Whether the same change passed verification in staging; omitted: not known. */
  stagingVerified?: boolean;
  /** 0..1; omitted: read from the project's recent runs. */
  recentFailureRate?: number;
}

export interface OpenGateInput {
  projectId: number;
  /** The environment whose rules apply; null or omitted for an inline `- approval:` step. */
  environment?: string | null;
  change: OpenGateChange;
  runId?: number;
  jobKey?: string;
  /** What is being deployed (a release or deployment id), for people reading the gate. */
  deploymentRef?: string;
  /** A gate nobody decided in time expires; default 24 h. */
  timeoutMs?: number;
  /** An inline step's `approvers: N`; an environment's own count applies when larger. */
  requiredApprovals?: number;
  /** Roles whose approvals count at an inline gate; default maintainer. Environments name their own. */
  approverRoles?: readonly string[];
}

export interface OpenedGate {
  request: ApprovalRequest;
  evaluation: GateEvaluation;
}

export const defaultGateTimeoutMs = 24 * 3600_000;

/**
 * Opens a gate and decides it at once when it can: proceed → approved (or auto-approved), refuse →
 * rejected (a branch that may not deploy, a freeze), otherwise pending until approvals, the wait timer
 * or its timeout decide. Every gate is stored, refused ones included, so each attempt is on record.
 */
export async function openGate(db: Db, clock: Clock, input: OpenGateInput): Promise<OpenedGate> {
  const { change } = input;
  if (change.author.trim() === '' || change.branch.trim() === '') {
    throw new AppError(ErrorCode.invalidArgument, 'a gate needs the change\'s author and branch: the author can never approve their own change');
  }
  const { rules, environmentId } = await resolveRules(db, input);
  const requiredApprovals = Math.max(rules.requiredApprovals?.count ?? 0, input.requiredApprovals ?? 0);
  const recentFailureRate = change.recentFailureRate ?? (await readRecentFailureRate(db, input.projectId));
  const risk = scoreRisk({
    linesChanged: change.linesChanged ?? 0,
    filesChanged: change.filesChanged ?? 0,
    paths: change.paths ?? [],
    ...(recentFailureRate === undefined ? {} : { recentFailureRate }),
    ...(change.stagingVerified === undefined ? {} : { stagingVerified: change.stagingVerified }),
  });
  const nowMs = clock.now();
  const evaluation = evaluateGate({ rules, requiredApprovals, change, decisions: [], risk, openedAtMs: nowMs, nowMs });
  const status = statusFor(evaluation, false);
  const now = new Date(nowMs);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO approval_requests (project_id, environment_id, environment, run_id, job_key, deployment_ref, author, branch,
       rules, required_approvals, risk_score, risk_factors, status, reasons, expires_at, created_at, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
    [
      input.projectId, environmentId, input.environment ?? null, input.runId ?? null, input.jobKey ?? null, input.deploymentRef ?? null,
      change.author, change.branch, JSON.stringify(rules), requiredApprovals, risk.score, JSON.stringify(risk.factors), status,
      evaluation.reasons, new Date(nowMs + (input.timeoutMs ?? defaultGateTimeoutMs)), now, status === 'pending' ? null : now,
    ],
  );
  return { request: await loadRequest(db, Number(rows[0]!.id)), evaluation };
}

async function resolveRules(db: Db, input: OpenGateInput): Promise<{ rules: ProtectionRules; environmentId: number | null }> {
  if (input.environment === undefined || input.environment === null) {
    const count = input.requiredApprovals ?? 1;
    const roles = input.approverRoles ?? ['maintainer'];
    return { rules: parseProtectionRules({ requiredApprovals: { count, roles: [...roles] } }, 'inline approval step'), environmentId: null };
  }
  const environment = await getEnvironment(db, input.projectId, input.environment);
  if (!environment) {
    throw new AppError(
      ErrorCode.notFound,
      `project ${input.projectId} has no environment ${input.environment}: a maintainer creates it with \`slipway env set PROJECT ${input.environment}\``,
      { details: { environment: input.environment } },
    );
  }
  return { rules: environment.rules, environmentId: environment.id };
}
