import type { Clock } from '../../clock/clock.js';
import type { Db } from '../../store/db.js';
import { createRollout } from '../decisions/create-rollout.js';
import type { RecordedAction } from '../decisions/decision.js';
import type { DecisionNotifier } from '../decisions/decision-notifier.js';
import { readLastDecisionSequence } from '../decisions/read-last-decision-sequence.js';
import { watchDecisions } from '../decisions/watch-decisions.js';
import type { CanaryEngine } from '../engine/run-engine.js';
import type { Policy } from '../policy/policy-model.js';

/** A decision as the deploy controller acts on it. */
export interface DeployDecision {
  sequence: number;
  step: number;
  action: RecordedAction;
  reasons: string[];
}

/**
 * The deploy controller's handle on the engine of this process (deploy/controller/canary-link.ts
 * declares the shape it expects). Decisions are read from the store through the notifier, so the
 * controller sees exactly what `rollouts watch` and WatchDecisions clients see, in the same order.
 */
export interface DeployLink {
  registerRollout(input: { rolloutId: string; service: string; stepCount: number; projectId: number }): Promise<void>;
  enterStep(input: { rolloutId: string; step: number; stepStartedMs: number; stepCount: number }): Promise<{ afterSequence: number }>;
  nextDecision(input: { rolloutId: string; step?: number; afterSequence: number; sinceMs: number; signal: AbortSignal }): Promise<DeployDecision | undefined>;
  endRollout(rolloutId: string, state: 'completed' | 'rolled_back'): void;
}

export interface DeployLinkDeps {
  db: Db;
  clock: Clock;
  engine: CanaryEngine;
  notifier: DecisionNotifier;
  currentPolicy(): Policy;
  /** Bound on how late a decision committed without a notice here is seen. Default 1000 ms. */
  pollIntervalMs?: number;
}

export function createDeployLink(deps: DeployLinkDeps): DeployLink {
  return {
    registerRollout: async ({ rolloutId, service, projectId }) => {
      await createRollout(deps.db, deps.clock, { id: rolloutId, service, projectId, policyVersion: deps.currentPolicy().version });
    },
    enterStep: async ({ rolloutId, step, stepStartedMs, stepCount }) => {
      // Read before the move: anything decided from here on is stored after this cursor.
      const afterSequence = await readLastDecisionSequence(deps.db, rolloutId);
      if (deps.engine.hasRollout(rolloutId)) deps.engine.moveRollout(rolloutId, { step, stepStartedMs, state: 'progressing' });
      else deps.engine.startRollout({ id: rolloutId, step, stepStartedMs, stepCount });
      return { afterSequence };
    },
    nextDecision: async ({ rolloutId, step, afterSequence, sinceMs, signal }) => {
      const decisions = watchDecisions(
        { db: deps.db, notifier: deps.notifier, pollIntervalMs: deps.pollIntervalMs ?? 1000 },
        { rolloutId, afterSequence, signal },
      );
      for await (const decision of decisions) {
        if (step !== undefined && decision.step !== step) continue;
        // A decision on evidence from before the step began (stored late) is not about this step.
        const decidedAtMs = typeof decision.evidence['decidedAtMs'] === 'number' ? decision.evidence['decidedAtMs'] : decision.createdAtMs;
        if (decidedAtMs < sinceMs) continue;
        return { sequence: decision.sequence, step: decision.step, action: decision.action, reasons: decision.reasons };
      }
      return undefined;
    },
    endRollout: (rolloutId, state) => {
      const position = deps.engine.readRollout(rolloutId);
      if (position === undefined) return;
      deps.engine.moveRollout(rolloutId, { step: position.step, stepStartedMs: position.stepStartedMs, state });
    },
  };
}
