import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import { type CanaryRollout, rolloutIdPattern } from './rollout.js';
import { readRolloutRow, type RolloutRow, rolloutColumns } from './rollout-row.js';

export interface CreateRolloutInput {
  id: string;
  service: string;
  policyVersion: string;
  /** 1-based, as the engine counts steps. Default 1. */
  currentStep?: number;
  /** The project whose teams see the rollout (its deployment's); none: administrators only. */
  projectId?: number;
}

/**
 * Registers a rollout so its telemetry is accepted and decisions can be recorded for it. Creating the
 * same id again with the same service returns the stored rollout unchanged (retry-safe); with another
 * service it is a conflict.
 */
export async function createRollout(db: Db, clock: Clock, input: CreateRolloutInput): Promise<{ rollout: CanaryRollout; created: boolean }> {
  if (!rolloutIdPattern.test(input.id)) {
    throw new AppError(ErrorCode.invalidArgument, `rollout id ${JSON.stringify(input.id)} is invalid: use 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);
  }
  if (input.service === '' || input.service.length > 200) throw new AppError(ErrorCode.invalidArgument, 'rollout service must be 1-200 characters');
  if (input.policyVersion === '') throw new AppError(ErrorCode.invalidArgument, 'rollout policyVersion must not be empty');
  const step = input.currentStep ?? 1;
  if (!Number.isInteger(step) || step < 1) throw new AppError(ErrorCode.invalidArgument, `rollout currentStep must be a whole number ≥ 1, got ${step}`);
  const now = new Date(clock.now());
  const inserted = await db.query<RolloutRow>(
    `INSERT INTO canary_rollouts (id, service, current_step, policy_version, state, created_at, updated_at, project_id)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
     ON CONFLICT (id) DO NOTHING
     RETURNING ${rolloutColumns}`,
    [input.id, input.service, step, input.policyVersion, 'progressing', now, input.projectId ?? null],
  );
  if (inserted.rows[0]) return { rollout: readRolloutRow(inserted.rows[0]), created: true };
  const existing = await db.query<RolloutRow>(`SELECT ${rolloutColumns} FROM canary_rollouts WHERE id = $1`, [input.id]);
  const rollout = readRolloutRow(existing.rows[0]!);
  if (rollout.service !== input.service) {
    throw new AppError(ErrorCode.alreadyExists, `rollout ${input.id} already exists for service ${rollout.service}, not ${input.service}: choose another id`);
  }
  return { rollout, created: false };
}
