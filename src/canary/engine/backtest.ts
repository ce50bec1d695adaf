import { createManualClock } from '../../clock/clock.js';
import type { Policy } from '../policy/policy-model.js';
import type { Decision } from './decision.js';
import { createCanaryEngine, type WindowLimits } from './run-engine.js';
import type { TelemetryRecord } from './telemetry-record.js';

export interface BacktestOptions {
  /** Pinned by every rollout in the recording. */
  policy: Policy;
  records: AsyncIterable<TelemetryRecord> | Iterable<TelemetryRecord>;
  windowLimits?: WindowLimits;
}

export interface BacktestResult {
  policy: { name: string; version: string };
  /** What the deploy controller would have been told, in order. */
  decisions: Decision[];
  /** Every evaluation, NONE included. */
  evaluations: Decision[];
  events: number;
  rejected: ReturnType<ReturnType<typeof createCanaryEngine>['countRejected']>;
  rollouts: { id: string; step: number; state: string }[];
}

/**
 * Replays recorded telemetry through the same engine the server runs, under a replay clock: a
 * record's `receivedAtMs` when it was recorded by the engine (so decisions match the live ones to
 * the millisecond), else the newest event time seen (a hand-made file has no arrival times).
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const clock = createManualClock(0);
  const decisions: Decision[] = [];
  const evaluations: Decision[] = [];
  const engine = createCanaryEngine({
    clock,
    defaultPolicy: options.policy,
    windowLimits: options.windowLimits,
    onDecision: (decision) => decisions.push(decision),
    onEvaluation: (decision) => evaluations.push(decision),
  });
  let events = 0;
  for await (const record of options.records) {
    const recordedMs = record.kind === 'event' ? record.receivedAtMs : record.atMs;
    const ownMs = record.kind === 'event' ? record.event.eventTimeMs : record.stepStartedMs;
    if (recordedMs !== undefined) clock.set(recordedMs);
    else if (Number.isFinite(ownMs) && ownMs > clock.now()) clock.set(ownMs);
    if (record.kind === 'event') {
      events += 1;
      engine.ingestEvent(record.event);
    } else if (engine.hasRollout(record.rollout)) {
      engine.moveRollout(record.rollout, record);
    } else {
      engine.startRollout({ id: record.rollout, step: record.step, stepStartedMs: record.stepStartedMs });
      if (record.state !== undefined && record.state !== 'progressing') engine.moveRollout(record.rollout, record);
    }
  }
  const rollouts = engine.listRollouts().map(({ id, step, state }) => ({ id, step, state }));
  return { policy: { name: options.policy.name, version: options.policy.version }, decisions, evaluations, events, rejected: engine.countRejected(), rollouts };
}
