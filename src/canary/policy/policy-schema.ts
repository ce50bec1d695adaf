/**
 * The shape of a canary policy file as written (input side). Objects are strict so unknown keys are
 * reported with a suggestion. `compare` is one strict object with every form's keys optional rather
 * than a union: a union's error says only "must be a mapping", while this way a typo gets "did you
 * mean" and check-policy.ts says which form is meant. Metric names are checked there too, for the
 * same reason. Messages are predicates ("must be ..."); describe-issues.ts prefixes the key.
 */
import { z } from 'zod';

const positiveSeconds = (example: string) => z.number({ error: `must be a number of seconds > 0, e.g. ${example}` }).positive(`must be > 0, e.g. ${example}`);
const wholeCount = (what: string, min: number) =>
  z.int({ error: `must be a whole number ≥ ${min} (${what})` }).min(min, `must be a whole number ≥ ${min} (${what})`);
const trackSchema = z.enum(['baseline', 'stable'], { error: "must be 'baseline' or 'stable'" });
const fractionSchema = (what: string) => z.number({ error: `must be a number (${what})` }).min(0, `must be ≥ 0 (${what})`);

export const RULE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const compareSchema = z
  .strictObject({
    max: z.number({ error: 'must be a finite number' }).optional().describe('Canary value ≤ max passes.'),
    min: z.number({ error: 'must be a finite number' }).optional().describe('Canary value ≥ min passes.'),
    maxRatioTo: trackSchema.optional().describe('Canary value ≤ factor × the value of this track passes.'),
    factor: z.number({ error: 'must be a number > 0, e.g. 1.2' }).positive('must be > 0, e.g. 1.2').optional(),
    judge: z.literal('mann-whitney', { error: "must be 'mann-whitney' (the one statistical judge)" }).optional(),
    against: trackSchema.optional().describe("Track the rank test compares with; default 'baseline'."),
    direction: z.enum(['increase', 'decrease', 'either'], { error: "must be 'increase', 'decrease' or 'either'" }).optional(),
    confidenceLevel: z
      .number({ error: 'must be a number between 0 and 1, e.g. 0.95' })
      .gt(0, 'must be between 0 and 1, e.g. 0.95')
      .lt(1, 'must be between 0 and 1, e.g. 0.95')
      .optional(),
    fraction: fractionSchema("Kayenta's bound as a fraction of the shift, default 0.25").optional(),
    minEffect: fractionSchema('smallest harmful shift in the metric’s unit, default 0').optional(),
    minEffectRatio: fractionSchema('smallest harmful shift relative to the baseline median, default 0').optional(),
    minBuckets: wholeCount('non-empty buckets each side needs, default 5', 1).optional(),
  })
  .meta({ id: 'compare', description: '{ max } | { min } | { maxRatioTo, factor } | { judge: mann-whitney, ... }' });

export const ruleSchema = z
  .strictObject({
    name: z.string({ error: 'must be a name' }).regex(RULE_NAME_PATTERN, 'must be 1–64 letters, digits, _ . or -').optional(),
    metric: z.string({ error: 'must be a metric name such as error_rate, latency_p99 or custom:<name>' }),
    compare: compareSchema,
    minSamples: wholeCount('requests per window', 0).optional(),
    counting: z.enum(['consecutive', 'cumulative'], { error: "must be 'consecutive' or 'cumulative'" }).optional(),
    failures: wholeCount('failing evaluations before the action', 1).max(10_000, 'must be at most 10000').optional(),
    action: z.enum(['ROLLBACK', 'PAUSE'], { error: "must be 'ROLLBACK' or 'PAUSE'" }).optional(),
  })
  .meta({ id: 'rule' });

export const policySchema = z
  .strictObject({
    apiVersion: z.literal('slipway/v1', { error: "must be 'slipway/v1'" }).optional(),
    name: z.string({ error: 'must be a name' }).regex(/\S/, 'must not be empty — give the policy a name'),
    windowSeconds: positiveSeconds('60').optional(),
    bucketSeconds: positiveSeconds('1').optional(),
    allowedLatenessSeconds: z.number({ error: 'must be a number of seconds ≥ 0' }).min(0, 'must be ≥ 0').optional(),
    minSamples: wholeCount('requests per window', 0).optional(),
    stepDurationSeconds: positiveSeconds('300').optional(),
    rules: z.array(ruleSchema, { error: 'must be a list of rules' }).min(1, 'must not be empty — add at least one rule'),
  })
  .meta({ id: 'policy' });

export type PolicyInput = z.infer<typeof policySchema>;
export type RuleInput = z.infer<typeof ruleSchema>;
export type CompareInput = z.infer<typeof compareSchema>;
