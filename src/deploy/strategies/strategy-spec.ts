/**
 * How a release replaces the previous one: user options (Argo Rollouts field names where they fit)
 * → validated, defaulted `StrategySpec`. Exactly one of recreate | rolling | blueGreen | canary.
 *
 *   strategy:
 *     progressDeadlineSeconds: 600
 *     canary:
 *       steps: [{setWeight: 20}, {pause: {duration: 1m}}, {analysis: {...}}, {setWeight: 50}, {pause: {}}]
 */
import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { parseDurationMs } from '../../pipeline/parse-duration.js';

/** An absolute replica count, or a share of the desired replicas. */
export type CountOrPercent = { count: number } | { percent: number };

const countOrPercentHint = "must be a count (2) or a percent ('25%')";
const countOrPercent = z.union([z.number(), z.string()], { error: countOrPercentHint }).transform((value, ctx): CountOrPercent => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return { count: value };
  const match = typeof value === 'string' ? /^(\d{1,3})%$/.exec(value) : null;
  if (match && Number(match[1]) <= 100) return { percent: Number(match[1]) };
  ctx.addIssue({ code: 'custom', message: match ? 'must be at most 100%' : countOrPercentHint });
  return z.NEVER;
});

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDurationMs(value);
  if (ms !== undefined) return ms;
  ctx.addIssue({ code: 'custom', message: "must be a duration like '30s', '5m', '1h30m' or a number of seconds" });
  return z.NEVER;
});

/** Opaque here: the analysis runner (canary/) validates it. */
const analysis = z.record(z.string(), z.unknown());

export type CanaryStep = { setWeight: number } | { pause: { durationMs?: number } } | { analysis: Record<string, unknown> };

const canaryStep = z
  .object({
    setWeight: z.number().int().min(0, 'must be 0..100').max(100, 'must be 0..100').optional(),
    pause: z.object({ duration: duration.optional() }).strict().optional(),
    analysis: analysis.optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    const given = Object.keys(step).filter((key) => step[key as keyof typeof step] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a step is exactly one of {setWeight: 20}, {pause: {duration: 1m}}, {pause: {}}, {analysis: {...}}' });
    }
  })
  .transform((step): CanaryStep => {
    if (step.setWeight !== undefined) return { setWeight: step.setWeight };
    if (step.pause !== undefined) return { pause: step.pause.duration === undefined ? {} : { durationMs: step.pause.duration } };
    return { analysis: step.analysis ?? {} };
  });

const strategies = {
  recreate: z.object({}).strict(),
  rolling: z
    .object({
      /** Replicas above the desired count while rolling (k8s default 25%, rounded up). */
      maxSurge: countOrPercent.default({ percent: 25 }),
      /** Ready replicas that may be missing while rolling (k8s default 25%, rounded down). */
      maxUnavailable: countOrPercent.default({ percent: 25 }),
    })
    .strict()
    .refine((o) => !('count' in o.maxSurge && o.maxSurge.count === 0 && 'count' in o.maxUnavailable && o.maxUnavailable.count === 0), {
      message: 'maxSurge and maxUnavailable cannot both be 0: the rollout could never make progress',
    }),
  blueGreen: z
    .object({
      /** false: switch only after `slipway promote`. */
      autoPromotionEnabled: z.boolean().default(true),
      /** Blue stays up this long after the switch, so switching back is instant. */
      scaleDownDelaySeconds: z.number().int().min(0).max(86_400).default(30),
      /** A router service that sends all its traffic to green before the switch, for checks by hand. */
      previewService: z.string().min(1).optional(),
      /** Run before the switch; a failure rolls back. */
      prePromotionAnalysis: analysis.optional(),
    })
    .strict(),
  canary: z.object({ steps: z.array(canaryStep).default([]) }).strict(),
} as const;

const strategyInput = z
  .object({
    /** A new replica not ready this long after it started rolls the rollout back (Argo default 600 s). */
    progressDeadlineSeconds: z.number().int().min(1, 'must be ≥ 1').max(86_400).default(600),
    recreate: strategies.recreate.optional(),
    rolling: strategies.rolling.optional(),
    blueGreen: strategies.blueGreen.optional(),
    canary: strategies.canary.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const given = (['recreate', 'rolling', 'blueGreen', 'canary'] as const).filter((key) => o[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of recreate, rolling, blueGreen, canary (got ${given.length === 0 ? 'none' : given.join(', ')})`,
      });
    }
  });

export const strategySpecSchema = strategyInput.transform((o): StrategySpec => {
  const progressDeadlineMs = o.progressDeadlineSeconds * 1000;
  if (o.rolling) return { type: 'rolling', progressDeadlineMs, ...o.rolling };
  if (o.blueGreen) {
    const { scaleDownDelaySeconds, ...rest } = o.blueGreen;
    return { type: 'blueGreen', progressDeadlineMs, scaleDownDelayMs: scaleDownDelaySeconds * 1000, ...rest };
  }
  if (o.canary) return { type: 'canary', progressDeadlineMs, steps: o.canary.steps };
  return { type: 'recreate', progressDeadlineMs };
});

interface Common {
  progressDeadlineMs: number;
}
export type RecreateSpec = Common & { type: 'recreate' };
export type RollingSpec = Common & { type: 'rolling'; maxSurge: CountOrPercent; maxUnavailable: CountOrPercent };
export type BlueGreenSpec = Common & {
  type: 'blueGreen';
  autoPromotionEnabled: boolean;
  scaleDownDelayMs: number;
  previewService?: string;
  prePromotionAnalysis?: Record<string, unknown>;
};
export type CanarySpec = Common & { type: 'canary'; steps: CanaryStep[] };
export type StrategySpec = RecreateSpec | RollingSpec | BlueGreenSpec | CanarySpec;
export type StrategySpecInput = z.input<typeof strategySpecSchema>;

/** Throws AppError(invalid_argument) naming every bad field, e.g. `canary.steps.0.setWeight: must be 0..100`. */
export function parseStrategySpec(input: unknown): StrategySpec {
  const result = strategySpecSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '(strategy)'}: ${issue.message}`);
  throw new AppError(ErrorCode.invalidArgument, `invalid deployment strategy:\n  ${lines.join('\n  ')}`, {
    cause: result.error,
    details: { issues: result.error.issues },
  });
}
