/**
 * The writes a deployment's loop makes to its own row. Only the loop that holds the deployment writes
 * here (one loop per deployment, in the process that accepted it); the environment's stable release,
 * which outlives the deployment, is written under the lock's fencing token (environment-releases.ts).
 */
import type { Clock } from '../../clock/clock.js';
import type { Db } from '../../store/index.js';
import type { RolloutEvent } from '../strategies/rollout-state.js';
import type { AppliedAction, DeploymentFailure, DeploymentStatus } from './deployment.js';

export interface StatusChange {
  gateRequestId?: number;
  fencingToken?: number;
  stableReleaseId?: number | null;
  started?: boolean;
}

export async function setDeploymentStatus(db: Db, clock: Clock, id: number, status: DeploymentStatus, change: StatusChange = {}): Promise<void> {
  const now = new Date(clock.now());
  await db.query(
    `UPDATE deployments SET status = $2, updated_at = $3,
       gate_request_id = CASE WHEN $4::boolean THEN $5::bigint ELSE gate_request_id END,
       fencing_token = COALESCE($6::bigint, fencing_token),
       stable_release_id = CASE WHEN $7::boolean THEN $8::bigint ELSE stable_release_id END,
       started_at = CASE WHEN $9::boolean THEN $3 ELSE started_at END
     WHERE id = $1 AND finished_at IS NULL`,
    [
      id, status, now, change.gateRequestId !== undefined, change.gateRequestId ?? null, change.fencingToken ?? null,
      change.stableReleaseId !== undefined, change.stableReleaseId ?? null, change.started === true,
    ],
  );
}

/** Appends to the strategy events and the action log in one statement. */
export async function appendHistory(db: Db, clock: Clock, id: number, events: readonly RolloutEvent[], actions: readonly AppliedAction[]): Promise<void> {
  if (events.length === 0 && actions.length === 0) return;
  await db.query('UPDATE deployments SET events = events || $2::jsonb, actions = actions || $3::jsonb, updated_at = $4 WHERE id = $1', [
    id, JSON.stringify(events), JSON.stringify(actions), new Date(clock.now()),
  ]);
}

export async function finishDeployment(db: Db, clock: Clock, id: number, status: DeploymentStatus, failure: DeploymentFailure | null): Promise<void> {
  const now = new Date(clock.now());
  await db.query('UPDATE deployments SET status = $2, failure = $3, updated_at = $4, finished_at = $4 WHERE id = $1 AND finished_at IS NULL', [
    id, status, failure === null ? null : JSON.stringify(failure), now,
  ]);
}
