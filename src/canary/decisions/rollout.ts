import type { RolloutState } from '../engine/decision.js';

export interface CanaryRollout {
  /** Chosen by the starter (the deploy controller): letters, digits, `.`, `_`, `:`, `-`; at most 128. */
  id: string;
  service: string;
  currentStep: number;
  /** Version of the policy the rollout is judged by (decisions record the one they used). */
  policyVersion: string;
  /** The engine's word for it: progressing, paused, rolled_back or completed. */
  state: RolloutState;
  createdAtMs: number;
  updatedAtMs: number;
}

export const rolloutIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
