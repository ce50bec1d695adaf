import type { Clock } from '../../clock/clock.js';
import type { Db } from '../../store/index.js';
import type { StrategySpec } from '../strategies/strategy-spec.js';
import { type Deployment, loadDeployment } from './deployment.js';

export interface NewDeployment {
  projectId: number;
  environment: string;
  service: string;
  releaseId: number;
  kind: 'deploy' | 'rollback';
  strategy: StrategySpec;
  idempotencyKey?: string;
  supersede: boolean;
  branch: string;
  actor: string;
}

/**
 * Inserts a queued deployment, or returns the one already recorded under the same idempotency key
 * (created: false): a retried submission — a client timeout, a re-run job — is a no-op.
 */
export async function insertDeployment(db: Db, clock: Clock, input: NewDeployment): Promise<{ deployment: Deployment; created: boolean }> {
  const now = new Date(clock.now());
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO deployments (project_id, environment, service, release_id, kind, strategy, idempotency_key, supersede, branch,
       created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [
      input.projectId, input.environment, input.service, input.releaseId, input.kind, JSON.stringify(input.strategy),
      input.idempotencyKey ?? null, input.supersede, input.branch, input.actor, now,
    ],
  );
  if (rows[0]) return { deployment: await loadDeployment(db, Number(rows[0].id)), created: true };
  const existing = await findByIdempotencyKey(db, input.idempotencyKey!);
  return { deployment: existing!, created: false };
}

export async function findByIdempotencyKey(db: Db, key: string): Promise<Deployment | undefined> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM deployments WHERE idempotency_key = $1', [key]);
  return rows[0] ? loadDeployment(db, Number(rows[0].id)) : undefined;
}
