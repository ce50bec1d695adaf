import type { Verdict } from '../judges/verdict.js';
import type { FailureCounting, ReferenceTrack, RuleAction } from '../policy/policy-model.js';
import type { WindowSnapshot } from '../windows/window-snapshot.js';

/** What the deploy controller is told to do. NONE: keep the current course (progressing or held). */
export const DecisionAction = { promote: 'PROMOTE', pause: 'PAUSE', rollback: 'ROLLBACK', none: 'NONE' } as const;
export type DecisionAction = (typeof DecisionAction)[keyof typeof DecisionAction];

/** progressing and paused are evaluated; rolled_back and completed are final. */
export type RolloutState = 'progressing' | 'paused' | 'rolled_back' | 'completed';

export interface RolloutPosition {
  id: string;
  /** 1-based step of the rollout plan (traffic weight), as the deploy controller reports it. */
  step: number;
  /** When this step's traffic began, ms since the epoch (event time, like windows). */
  stepStartedMs: number;
  state: RolloutState;
}

/** One evaluation's windows: all end at `endMs` (RolloutWindows shares one watermark per rollout). */
export interface DecisionWindows {
  endMs: number;
  canary?: WindowSnapshot;
  baseline?: WindowSnapshot;
  stable?: WindowSnapshot;
}

/** Why a rule said what it said, with every number needed to check it by hand. */
export interface RuleEvidence {
  rule: string;
  metric: string;
  verdict: Verdict;
  reason: string;
  /** The rule's comparison, e.g. `≤ 0.05`, `≤ 1.2 × baseline`, `mann-whitney vs baseline (increase)`. */
  comparison: string;
  referenceTrack?: ReferenceTrack;
  /** The metric over the canary window; absent when the window cannot give it. */
  canaryValue?: number;
  referenceValue?: number;
  /** The limit the judge held the observed number against (for the rank test: the shift bound). */
  threshold?: number;
  /** The number the verdict rests on: the canary value, or the rank test's estimated shift. */
  observed?: number;
  pValue?: number;
  canarySamples: number;
  referenceSamples?: number;
  minSamples: number;
  counting: FailureCounting;
  /** Failing evaluations counted so far in this step (after this one), and how many trigger. */
  failureCount: number;
  failuresNeeded: number;
  action: RuleAction;
  /** This rule's action is being taken by this decision's evaluation. */
  triggered: boolean;
}

export interface Decision {
  /** `rollout/step/windowEndMs/policyVersion`: the same evidence never yields a second decision. */
  idempotencyKey: string;
  rolloutId: string;
  step: number;
  policyName: string;
  policyVersion: string;
  windowStartMs: number;
  windowEndMs: number;
  /** The clock when decided; part of the input, so replay reproduces it. */
  decidedAtMs: number;
  action: DecisionAction;
  /** The worst verdict of the rules: FAIL > ERROR > NO_DATA > INCONCLUSIVE > PASS. */
  verdict: Verdict;
  reasons: string[];
  evidence: RuleEvidence[];
  /** How long every rule has passed without a break within this step (0 when not healthy). */
  healthyForMs: number;
}

export interface RuleFailureCounts {
  consecutive: number;
  cumulative: number;
}

/** What decide remembers between evaluations of one rollout. Reset on a new step or policy version. */
export interface DecisionHistory {
  policyVersion: string;
  step: number;
  rules: Record<string, RuleFailureCounts>;
  /** Start of the unbroken run of all-PASS windows in this step; absent when not healthy. */
  healthySinceMs?: number;
  /** The last decision; a repeated or older window returns it instead of deciding again. */
  lastDecision?: Decision;
}
