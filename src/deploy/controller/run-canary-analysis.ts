import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { CanaryDecisionSummary, CanaryLink } from './canary-link.js';
import type { AnalysisResult } from './run-health-analysis.js';

/**
 * A canary step's `analysis: {...}` judged by the canary engine: the policy decides, the step only
 * bounds the wait. Other keys (the health threshold's maxErrorRate, ...) are ignored here.
 */
const canaryAnalysisSchema = z
  .object({
    /** PAUSE (not enough data, a slow canary) keeps the step waiting; past this it fails. */
    timeoutSeconds: z.number().min(1).max(86_400).default(600),
  })
  .passthrough();

export interface CanaryAnalysisInput {
  link: CanaryLink;
  rolloutId: string;
  spec: Record<string, unknown>;
  /** 1-based position of the analysis step among the canary's steps, as the engine counts steps. */
  step: number;
  stepCount: number;
  now: () => number;
  /** Aborted when the rollout ends for another reason (abort, shutdown). */
  signal: AbortSignal;
}

/** PROMOTE passes the step, ROLLBACK fails it (the planner then puts the canary weight to 0), PAUSE waits. */
export async function runCanaryAnalysis(input: CanaryAnalysisInput): Promise<AnalysisResult> {
  const parsed = canaryAnalysisSchema.safeParse(input.spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(analysis)'}: ${i.message}`).join('; ');
    throw new AppError(ErrorCode.invalidArgument, `invalid analysis step: ${problems}`);
  }
  const { timeoutSeconds } = parsed.data;
  const stepStartedMs = input.now();
  let { afterSequence } = await input.link.enterStep({ rolloutId: input.rolloutId, step: input.step, stepStartedMs, stepCount: input.stepCount });
  const signal = AbortSignal.any([input.signal, AbortSignal.timeout(timeoutSeconds * 1000)]);
  let lastPause: CanaryDecisionSummary | undefined;
  for (;;) {
    const decision = await input.link.nextDecision({ rolloutId: input.rolloutId, step: input.step, afterSequence, sinceMs: stepStartedMs, signal });
    if (decision === undefined) break;
    afterSequence = decision.sequence;
    const said = `canary engine decision ${decision.sequence} ${decision.action}: ${decision.reasons.join('; ')}`;
    if (decision.action === 'PROMOTE') return { passed: true, reason: said };
    if (decision.action === 'ROLLBACK') return { passed: false, reason: said };
    lastPause = decision;
  }
  if (input.signal.aborted) return { passed: false, reason: 'the analysis was canceled: the rollout ended' };
  const last = lastPause
    ? `the last decision was ${lastPause.sequence} PAUSE: ${lastPause.reasons.join('; ')}`
    : `no decision at all — is telemetry of rollout ${input.rolloutId} reaching telemetry.raw?`;
  return { passed: false, reason: `no PROMOTE from the canary engine within timeoutSeconds (${timeoutSeconds}); ${last}` };
}

/**
 * Resolves with the first ROLLBACK the engine makes for the rollout, at any step (a canary that fails
 * during a setWeight or pause step is rolled back then, not at the next analysis), or undefined once
 * the signal aborts. `skip` names decisions someone else acts on (an analysis step waiting for them).
 */
export async function watchCanaryRollback(input: {
  link: CanaryLink;
  rolloutId: string;
  sinceMs: number;
  signal: AbortSignal;
  skip: (decision: CanaryDecisionSummary) => boolean;
}): Promise<CanaryDecisionSummary | undefined> {
  let afterSequence = 0;
  for (;;) {
    const decision = await input.link.nextDecision({ rolloutId: input.rolloutId, afterSequence, sinceMs: input.sinceMs, signal: input.signal });
    if (decision === undefined) return undefined;
    afterSequence = decision.sequence;
    if (decision.action === 'ROLLBACK' && !input.skip(decision)) return decision;
  }
}
