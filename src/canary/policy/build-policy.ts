import type { Policy, PolicyRule, RuleCompare } from './policy-model.js';
import type { CompareInput, PolicyInput, RuleInput } from './policy-schema.js';
import { hashPolicy } from './hash-policy.js';

/** Defaults of a policy file's optional keys; documented here once, with their units. */
export const POLICY_DEFAULTS = {
  windowSeconds: 60,
  bucketSeconds: 1,
  allowedLatenessSeconds: 5,
  minSamples: 50,
  stepDurationSeconds: 300,
  counting: 'consecutive',
  failures: 1,
  mannWhitney: { direction: 'increase', confidenceLevel: 0.95, fraction: 0.25, minEffect: 0, minEffectRatio: 0, minBuckets: 5 },
} as const;

/** Input that passed the schema and checkPolicy → the engine's Policy, versioned by content. */
export function buildPolicy(input: PolicyInput): Policy {
  const minSamples = input.minSamples ?? POLICY_DEFAULTS.minSamples;
  const body = {
    name: input.name,
    windowSeconds: input.windowSeconds ?? POLICY_DEFAULTS.windowSeconds,
    bucketSeconds: input.bucketSeconds ?? POLICY_DEFAULTS.bucketSeconds,
    allowedLatenessSeconds: input.allowedLatenessSeconds ?? POLICY_DEFAULTS.allowedLatenessSeconds,
    minSamples,
    stepDurationSeconds: input.stepDurationSeconds ?? POLICY_DEFAULTS.stepDurationSeconds,
    rules: input.rules.map((rule) => buildRule(rule, minSamples)),
  };
  return { version: hashPolicy(body), ...body };
}

function buildRule(rule: RuleInput, policyMinSamples: number): PolicyRule {
  return {
    name: rule.name ?? rule.metric,
    metric: rule.metric,
    compare: buildCompare(rule.compare),
    minSamples: rule.minSamples ?? policyMinSamples,
    counting: rule.counting ?? POLICY_DEFAULTS.counting,
    failures: rule.failures ?? POLICY_DEFAULTS.failures,
    // The seed behaviour: errors roll back, anything slower or odder only holds the rollout.
    action: rule.action ?? (rule.metric === 'error_rate' ? 'ROLLBACK' : 'PAUSE'),
  };
}

function buildCompare(compare: CompareInput): RuleCompare {
  if (compare.max !== undefined) return { kind: 'max', value: compare.max };
  if (compare.min !== undefined) return { kind: 'min', value: compare.min };
  if (compare.maxRatioTo !== undefined) return { kind: 'max_ratio', track: compare.maxRatioTo, factor: compare.factor! };
  const d = POLICY_DEFAULTS.mannWhitney;
  return {
    kind: 'mann_whitney',
    track: compare.against ?? 'baseline',
    direction: compare.direction ?? d.direction,
    confidenceLevel: compare.confidenceLevel ?? d.confidenceLevel,
    fraction: compare.fraction ?? d.fraction,
    minEffect: compare.minEffect ?? d.minEffect,
    minEffectRatio: compare.minEffectRatio ?? d.minEffectRatio,
    minBuckets: compare.minBuckets ?? d.minBuckets,
  };
}
