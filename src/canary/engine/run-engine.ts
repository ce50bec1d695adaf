import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Policy } from '../policy/policy-model.js';
import { createRejectCounts, type RejectCounts } from '../windows/reject-reason.js';
import { type IngestOutcome, RolloutWindows } from '../windows/rollout-windows.js';
import type { TelemetryEvent } from '../windows/telemetry-event.js';
import type { WindowOptions } from '../windows/window-options.js';
import { decide } from './decide.js';
import { readRolloutSeries, type RolloutSeries } from './read-rollout-series.js';
import type { Decision, DecisionHistory, RolloutPosition, RolloutState } from './decision.js';
import type { TelemetryRecord } from './telemetry-record.js';

/** Window limits that are the installation's, not a policy's. */
export type WindowLimits = Partial<Pick<WindowOptions, 'maxFutureSkewSeconds' | 'relativeAccuracy' | 'maxTracks' | 'maxMetricNames'>>;

export interface EngineOptions {
  clock: Clock;
  /** Pinned by rollouts started without a policy (and by those first seen through an event). */
  defaultPolicy?: Policy;
  windowLimits?: WindowLimits;
  /** A decision the deploy controller must act on: PROMOTE, ROLLBACK, or PAUSE of a running rollout. */
  onDecision(decision: Decision): void;
  /** Every evaluation, NONE and repeated PAUSEs included (for `rollouts explain` and metrics). */
  onEvaluation?(decision: Decision): void;
  /** Everything ingested, in order, with the clock reading: write it out to replay it later. */
  onRecord?(record: TelemetryRecord): void;
}

export interface StartRollout {
  id: string;
  policy?: Policy;
  step?: number;
  stepStartedMs?: number;
  /** Steps in the plan: PROMOTE of the last one completes the rollout. Unbounded when absent. */
  stepCount?: number;
}

export type EngineIngestOutcome = IngestOutcome | { accepted: false; reason: 'unknown_rollout' };

interface RolloutEntry {
  position: RolloutPosition;
  policy: Policy;
  windows: RolloutWindows;
  stepCount?: number;
  history?: DecisionHistory;
  lastWindowEndMs?: number;
}

/**
 * The canary engine's loop body, without I/O: events go into each rollout's windows, and every time
 * a rollout's window end advances, decide() runs on the new windows and the decision goes to a
 * callback (someone else persists it under its idempotency key and publishes it). A window end that
 * jumps several buckets is evaluated once, at the new end. Live and replay drive this same object.
 */
export function createCanaryEngine(options: EngineOptions) {
  const { clock } = options;
  const rollouts = new Map<string, RolloutEntry>();
  let defaultPolicy = options.defaultPolicy;
  let unknownRollout = 0;

  const createWindows = (id: string, policy: Policy) =>
    new RolloutWindows(id, clock, {
      ...options.windowLimits,
      windowSeconds: policy.windowSeconds,
      bucketSeconds: policy.bucketSeconds,
      allowedLatenessSeconds: policy.allowedLatenessSeconds,
    });

  const require = (id: string): RolloutEntry => {
    const entry = rollouts.get(id);
    if (entry === undefined) throw new AppError(ErrorCode.notFound, `rollout '${id}' is not known to the canary engine — start it first`);
    return entry;
  };

  /** `record` is false when an event starts the rollout: replaying that event starts it again. */
  const startRollout = (start: StartRollout, record = true): void => {
    const policy = start.policy ?? defaultPolicy;
    if (policy === undefined) throw new AppError(ErrorCode.failedPrecondition, `rollout '${start.id}' has no policy and the engine has no default policy`);
    const position: RolloutPosition = { id: start.id, step: start.step ?? 1, stepStartedMs: start.stepStartedMs ?? clock.now(), state: 'progressing' };
    rollouts.set(start.id, { position, policy, windows: createWindows(start.id, policy), stepCount: start.stepCount });
    if (record) options.onRecord?.({ kind: 'step', rollout: start.id, step: position.step, stepStartedMs: position.stepStartedMs, state: position.state, atMs: clock.now() });
  };

  /** The deploy controller's word on where the rollout is; it overrides what the engine assumed. */
  const moveRollout = (id: string, move: { step: number; stepStartedMs: number; state?: RolloutState }): void => {
    const entry = require(id);
    entry.position = { id, step: move.step, stepStartedMs: move.stepStartedMs, state: move.state ?? 'progressing' };
    entry.history = undefined;
    options.onRecord?.({ kind: 'step', rollout: id, step: move.step, stepStartedMs: move.stepStartedMs, state: entry.position.state, atMs: clock.now() });
  };

  /** "Unless told otherwise": re-pin one rollout. A different window shape restarts its evidence. */
  const setRolloutPolicy = (id: string, policy: Policy): void => {
    const entry = require(id);
    const old = entry.policy;
    const sameShape = old.windowSeconds === policy.windowSeconds && old.bucketSeconds === policy.bucketSeconds && old.allowedLatenessSeconds === policy.allowedLatenessSeconds;
    if (!sameShape) {
      entry.windows = createWindows(id, policy);
      entry.lastWindowEndMs = undefined;
    }
    entry.policy = policy;
  };

  const ingestEvent = (event: TelemetryEvent): EngineIngestOutcome => {
    options.onRecord?.({ kind: 'event', event, receivedAtMs: clock.now() });
    let entry = rollouts.get(event.rollout);
    if (entry === undefined) {
      if (defaultPolicy === undefined) {
        unknownRollout += 1;
        return { accepted: false, reason: 'unknown_rollout' };
      }
      startRollout({ id: event.rollout }, false);
      entry = rollouts.get(event.rollout)!;
    }
    const outcome = entry.windows.ingestEvent(event);
    if (outcome.accepted) evaluateIfAdvanced(entry);
    return outcome;
  };

  const evaluateIfAdvanced = (entry: RolloutEntry): void => {
    const endMs = entry.windows.readWindowEndMs();
    if (endMs === undefined || (entry.lastWindowEndMs !== undefined && endMs <= entry.lastWindowEndMs)) return;
    entry.lastWindowEndMs = endMs;
    const { position } = entry;
    if (position.state === 'rolled_back' || position.state === 'completed') return;
    const windows = { endMs, canary: entry.windows.readWindow('canary'), baseline: entry.windows.readWindow('baseline'), stable: entry.windows.readWindow('stable') };
    const { decision, nextHistory, repeated } = decide({ policy: entry.policy, rollout: position, windows, nowMs: clock.now(), history: entry.history });
    entry.history = nextHistory;
    if (repeated) return;
    options.onEvaluation?.(decision);
    const heldAlready = decision.action === 'PAUSE' && position.state === 'paused';
    if (decision.action !== 'NONE' && !heldAlready) options.onDecision(decision);
    applyDecision(entry, decision);
  };

  /** The engine assumes the controller follows its decisions; moveRollout corrects it if not. */
  const applyDecision = (entry: RolloutEntry, decision: Decision): void => {
    const { position } = entry;
    if (decision.action === 'ROLLBACK') entry.position = { ...position, state: 'rolled_back' };
    else if (decision.action === 'PAUSE') entry.position = { ...position, state: 'paused' };
    else if (decision.action === 'PROMOTE') {
      const done = entry.stepCount !== undefined && position.step >= entry.stepCount;
      entry.position = done ? { ...position, state: 'completed' } : { ...position, step: position.step + 1, stepStartedMs: decision.decidedAtMs, state: 'progressing' };
    }
  };

  return {
    startRollout: (start: StartRollout) => startRollout(start),
    moveRollout,
    setRolloutPolicy,
    setDefaultPolicy: (policy: Policy) => {
      defaultPolicy = policy;
    },
    ingestEvent,
    hasRollout: (id: string) => rollouts.has(id),
    readRollout: (id: string) => {
      const entry = rollouts.get(id);
      return entry === undefined ? undefined : { ...entry.position, policyVersion: entry.policy.version, lastDecision: entry.history?.lastDecision };
    },
    listRollouts: () => [...rollouts.values()].map((entry) => ({ ...entry.position, policyVersion: entry.policy.version })),
    /** The rollout's current window per track, bucket by bucket (live charts); undefined for a rollout this engine does not run. */
    readSeries: (id: string): RolloutSeries | undefined => {
      const entry = rollouts.get(id);
      return entry === undefined ? undefined : readRolloutSeries(entry.windows);
    },
    /**
     * Events folded into windows over all rollouts since each rollout's windows were created (a policy
     * with a different window shape restarts them): what a throughput measurement waits for.
     */
    countAccepted: (): number => {
      let total = 0;
      for (const entry of rollouts.values()) total += entry.windows.countAccepted();
      return total;
    },
    /** Rejected events over all rollouts, plus `unknown_rollout` for events no rollout took. */
    countRejected: (): RejectCounts & { unknown_rollout: number } => {
      const total = { ...createRejectCounts(), unknown_rollout: unknownRollout };
      for (const entry of rollouts.values()) {
        for (const [reason, count] of Object.entries(entry.windows.countRejected())) total[reason as keyof RejectCounts] += count;
      }
      return total;
    },
  };
}

export type CanaryEngine = ReturnType<typeof createCanaryEngine>;
