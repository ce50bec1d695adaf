import type { Bus } from '../../bus/bus.js';
import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import type { DecisionInput } from './decision.js';
import { encodeDecision } from './decision-message.js';
import type { DecisionNotifier } from './decision-notifier.js';
import { decisionsTopic } from './decisions-topic.js';
import { type RecordDecisionResult, recordDecision } from './record-decision.js';

export interface RecordAndPublishDeps {
  db: Db;
  clock: Clock;
  notifier: DecisionNotifier;
  /** Omitted: decisions reach watchers of this process (and others by polling) but no bus consumers. */
  bus?: Bus;
}

/**
 * What the engine calls with each decision: store it once, wake this process's watchers, publish the
 * stored row to `decisions`. A duplicate (same idempotency key) is published again too: the earlier
 * attempt may have died between its insert and its publish, so bus consumers get each decision at
 * least once and dedupe by sequence. If publishing fails the decision stays stored (and watchable);
 * the error says so, and a retry with the same key publishes it.
 */
export async function recordAndPublishDecision(deps: RecordAndPublishDeps, input: DecisionInput): Promise<RecordDecisionResult> {
  const result = await recordDecision(deps.db, deps.clock, input);
  const { decision } = result;
  if (result.created) deps.notifier.notify({ sequence: decision.sequence, rolloutId: decision.rolloutId, service: decision.service });
  if (deps.bus) {
    try {
      await deps.bus.publish(decisionsTopic, encodeDecision(decision));
    } catch (error) {
      throw new AppError(
        ErrorCode.unavailable,
        `decision ${decision.sequence} (${decision.idempotencyKey}) is stored but could not be published to ${decisionsTopic}: retry with the same idempotency key`,
        { cause: error },
      );
    }
  }
  return result;
}
