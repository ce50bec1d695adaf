import type { RolloutState } from '../engine/decision.js';
import type { CanaryRollout } from './rollout.js';

export const rolloutColumns = 'id, service, current_step, policy_version, state, created_at, updated_at';

export interface RolloutRow {
  id: string;
  service: string;
  current_step: number;
  policy_version: string;
  state: RolloutState;
  created_at: Date;
  updated_at: Date;
}

export function readRolloutRow(row: RolloutRow): CanaryRollout {
  return {
    id: row.id,
    service: row.service,
    currentStep: row.current_step,
    policyVersion: row.policy_version,
    state: row.state,
    createdAtMs: row.created_at.getTime(),
    updatedAtMs: row.updated_at.getTime(),
  };
}
