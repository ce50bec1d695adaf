import type { DecisionAction } from '../engine/decision.js';
import type { Verdict } from '../judges/verdict.js';

/**
 * The actions worth recording and publishing: NONE ("keep the current course") is the engine's answer
 * to most windows and is neither stored nor sent.
 */
export type RecordedAction = Exclude<DecisionAction, 'NONE'>;
export const recordedActions: readonly RecordedAction[] = ['PROMOTE', 'PAUSE', 'ROLLBACK'];

/** A decision as the engine hands it over, before it is stored. */
export interface DecisionInput {
  rolloutId: string;
  step: number;
  action: RecordedAction;
  /** The overall verdict of the window the decision rests on. */
  verdict: Verdict;
  /** One sentence per rule that mattered, for humans. */
  reasons: readonly string[];
  /** The numbers the decision rests on; a JSON object (window bounds, observed values, limits). */
  evidence: Readonly<Record<string, unknown>>;
  policyVersion: string;
  /**
   * The same for every attempt at the same decision — e.g. `${rolloutId}:${step}:${windowEndMs}` —
   * so a retry or a racing evaluator cannot write it twice. At most 300 characters.
   */
  idempotencyKey: string;
}

/** A stored decision: the row is the truth; sequence orders all decisions of all rollouts. */
export interface DecisionRecord extends Omit<DecisionInput, 'reasons' | 'evidence'> {
  /** Global, increasing in commit order, not dense. */
  sequence: number;
  /** The rollout's service (denormalised from the rollout for filtering and display). */
  service: string;
  reasons: string[];
  evidence: Record<string, unknown>;
  createdAtMs: number;
}
