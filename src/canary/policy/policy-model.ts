/** A validated policy as the engine uses it: every default filled in, every metric known. */
export interface Policy {
  /** Content hash of everything below (`sha256:` + 16 hex): a rollout pins this, decisions carry it. */
  version: string;
  name: string;
  windowSeconds: number;
  bucketSeconds: number;
  allowedLatenessSeconds: number;
  /** Requests a window needs before a rule may judge it; a rule can ask for more or fewer. */
  minSamples: number;
  /** Every rule passing for this long within one step → PROMOTE. */
  stepDurationSeconds: number;
  rules: PolicyRule[];
}

export const RuleAction = { rollback: 'ROLLBACK', pause: 'PAUSE' } as const;
export type RuleAction = (typeof RuleAction)[keyof typeof RuleAction];

/** `consecutive`: N failing evaluations in a row; `cumulative`: N within the step, in any order. */
export type FailureCounting = 'consecutive' | 'cumulative';

/** The track a relative rule compares the canary with. */
export type ReferenceTrack = 'baseline' | 'stable';

export type RuleCompare =
  | { kind: 'max'; value: number }
  | { kind: 'min'; value: number }
  | { kind: 'max_ratio'; track: ReferenceTrack; factor: number }
  | {
      kind: 'mann_whitney';
      track: ReferenceTrack;
      direction: 'increase' | 'decrease' | 'either';
      confidenceLevel: number;
      fraction: number;
      minEffect: number;
      minEffectRatio: number;
      /** Non-empty buckets each side needs: the rank test compares per-bucket values. */
      minBuckets: number;
    };

export interface PolicyRule {
  name: string;
  /** As written: `error_rate`, `latency_p99`, `custom:bytesOut`. */
  metric: string;
  compare: RuleCompare;
  minSamples: number;
  counting: FailureCounting;
  /** Failing evaluations (one per window advance) before the action is taken. */
  failures: number;
  action: RuleAction;
}
