import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import type { Action } from '../strategies/action.js';
import type { RolloutEvent } from '../strategies/rollout-state.js';
import type { StrategySpec } from '../strategies/strategy-spec.js';

export const deploymentStatuses = [
  'queued',
  'waiting_approval',
  'waiting_lock',
  'running',
  'paused',
  'succeeded',
  'failed',
  'aborted',
  'superseded',
] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];
export const finishedStatuses: readonly DeploymentStatus[] = ['succeeded', 'failed', 'aborted', 'superseded'];

/** Why a deployment did not succeed, as data (CONVENTIONS: failures are stored, not thrown). */
export interface DeploymentFailure {
  kind: 'user' | 'infra' | 'timeout' | 'canceled';
  retryable: boolean;
  message: string;
  /** The failing replica's last stderr lines, secrets masked. */
  stderrTail?: string[];
}

/** One entry of a deployment's action log: what the controller applied, and when. */
export interface AppliedAction {
  timeMs: number;
  action: Action;
}

export interface Deployment {
  id: number;
  projectId: number;
  environment: string;
  service: string;
  releaseId: number;
  version: string;
  kind: 'deploy' | 'rollback';
  strategy: StrategySpec;
  status: DeploymentStatus;
  idempotencyKey: string | null;
  supersede: boolean;
  branch: string;
  gateRequestId: number | null;
  stableReleaseId: number | null;
  stableVersion: string | null;
  events: RolloutEvent[];
  actions: AppliedAction[];
  abortRequestedBy: string | null;
  fencingToken: number | null;
  failure: DeploymentFailure | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  updatedAt: Date;
  finishedAt: Date | null;
}

export const deploymentColumns = `d.id, d.project_id AS "projectId", d.environment, d.service, d.release_id AS "releaseId",
  r.version, d.kind, d.strategy, d.status, d.idempotency_key AS "idempotencyKey", d.supersede, d.branch,
  d.gate_request_id AS "gateRequestId", d.stable_release_id AS "stableReleaseId", s.version AS "stableVersion",
  d.events, d.actions, d.abort_requested_by AS "abortRequestedBy", d.fencing_token AS "fencingToken", d.failure,
  d.created_by AS "createdBy", d.created_at AS "createdAt", d.started_at AS "startedAt", d.updated_at AS "updatedAt",
  d.finished_at AS "finishedAt"`;

export const deploymentFrom = 'deployments d JOIN releases r ON r.id = d.release_id LEFT JOIN releases s ON s.id = d.stable_release_id';

export function toDeployment(row: Deployment): Deployment {
  const id = (value: number | null) => (value === null ? null : Number(value));
  return {
    ...row,
    id: Number(row.id),
    projectId: Number(row.projectId),
    releaseId: Number(row.releaseId),
    gateRequestId: id(row.gateRequestId),
    stableReleaseId: id(row.stableReleaseId),
    fencingToken: id(row.fencingToken),
  };
}

export async function loadDeployment(db: Db, id: number): Promise<Deployment> {
  const { rows } = await db.query<Deployment>(`SELECT ${deploymentColumns} FROM ${deploymentFrom} WHERE d.id = $1`, [id]);
  if (!rows[0]) throw new AppError(ErrorCode.notFound, `no deployment ${id}: list an environment's deployments with \`slipway deployments --project P --env E\``);
  return toDeployment(rows[0]);
}

export function isFinished(status: DeploymentStatus): boolean {
  return finishedStatuses.includes(status);
}
