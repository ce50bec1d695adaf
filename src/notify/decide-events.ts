import type { ApprovalWaitingFields, DecidedEvent } from './notification-event.js';

/** A finished run as the detector reads it (runs ⋈ projects, failed jobs aggregated). */
export interface FinishedRunRow {
  id: number;
  number: number;
  project: string;
  defaultBranch: string;
  ref: string;
  commitSha: string | null;
  status: string;
  pipelineName: string;
  author: string | null;
  finishedAt: Date;
  failedJobs: { jobKey: string; message: string }[];
}

/** A finished deployment as the detector reads it. `abortedReason`: the reason of its last `aborted` strategy event, if any. */
export interface FinishedDeploymentRow {
  id: number;
  project: string;
  environment: string;
  service: string;
  version: string;
  stableVersion: string | null;
  kind: 'deploy' | 'rollback';
  status: string;
  failureMessage: string | null;
  abortedReason: string | null;
  abortRequestedBy: string | null;
  finishedAt: Date;
}

/** A gate as the detector reads it: the event's fields, with its status and times as read. */
export interface GateRow extends Omit<ApprovalWaitingFields, 'approvalId' | 'expiresAt' | 'createdAt'> {
  id: number;
  status: string;
  expiresAt: Date | null;
  createdAt: Date;
}

/** True when `ref` names the branch: `main` and `refs/heads/main` both do. */
export function isBranchRef(ref: string, branch: string): boolean {
  return ref === branch || ref === `refs/heads/${branch}`;
}

/** run.failed for a run that failed on its project's default branch; other runs are nobody's alarm. */
export function decideRunEvent(row: FinishedRunRow): DecidedEvent | undefined {
  if (row.status !== 'failed' || !isBranchRef(row.ref, row.defaultBranch)) return undefined;
  return {
    kind: 'run.failed',
    subject: `run:${row.id}`,
    project: row.project,
    occurredAtMs: row.finishedAt.getTime(),
    fields: {
      runId: row.id,
      runNumber: row.number,
      project: row.project,
      ref: row.ref,
      commitSha: row.commitSha,
      pipelineName: row.pipelineName,
      author: row.author,
      finishedAt: row.finishedAt.toISOString(),
      failedJobs: row.failedJobs,
    },
  };
}

/**
 * deployment.rolled_back when traffic went back to the stable release: an abort (`slipway abort`,
 * `slipway rollback` during a rollout), a rollout the analysis rolled back (it ends `failed` with an
 * `aborted` strategy event), or a rollback deployment that finished. A rollout that failed without
 * rolling back (a replica never got ready) and superseded deployments are not rollbacks.
 */
export function decideDeploymentEvent(row: FinishedDeploymentRow): DecidedEvent | undefined {
  const reason = rollbackReason(row);
  if (reason === undefined) return undefined;
  return {
    kind: 'deployment.rolled_back',
    subject: `deployment:${row.id}`,
    project: row.project,
    occurredAtMs: row.finishedAt.getTime(),
    fields: {
      deploymentId: row.id,
      project: row.project,
      environment: row.environment,
      service: row.service,
      version: row.version,
      stableVersion: row.stableVersion,
      status: row.status,
      deploymentKind: row.kind,
      reason,
      abortRequestedBy: row.abortRequestedBy,
      finishedAt: row.finishedAt.toISOString(),
    },
  };
}

function rollbackReason(row: FinishedDeploymentRow): string | undefined {
  if (row.kind === 'rollback' && row.status === 'succeeded') return `rolled back to ${row.version}`;
  if (row.status === 'aborted') return row.failureMessage ?? row.abortedReason ?? 'aborted';
  if (row.status === 'failed' && row.abortedReason !== null) return row.abortedReason;
  return undefined;
}

/** approval.waiting for a gate that is still pending when the detector reads it. */
export function decideApprovalEvent(row: GateRow): DecidedEvent | undefined {
  if (row.status !== 'pending') return undefined;
  return {
    kind: 'approval.waiting',
    subject: `approval:${row.id}`,
    project: row.project,
    occurredAtMs: row.createdAt.getTime(),
    fields: {
      approvalId: row.id,
      project: row.project,
      environment: row.environment,
      runId: row.runId,
      jobKey: row.jobKey,
      branch: row.branch,
      author: row.author,
      requiredApprovals: row.requiredApprovals,
      riskScore: row.riskScore,
      reasons: row.reasons,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    },
  };
}
