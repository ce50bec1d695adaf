import type { BusMessage } from '../../bus/bus.js';
import type { ManualClock } from '../../clock/clock.js';
import type { CanaryEngine } from '../engine/run-engine.js';
import type { TelemetryEvent } from '../windows/telemetry-event.js';

export interface TelemetryFeedDeps {
  engine: CanaryEngine;
  /** The engine's clock: set to the rollout's newest event time before each of its events. */
  eventClock: ManualClock;
  decode(payload: Uint8Array): readonly TelemetryEvent[];
  /** A message that cannot be read: it is acked (a retry would fail the same way). */
  onUnreadable(error: unknown, messageId: string): void;
}

export interface TelemetryFeed {
  /** The `telemetry.raw` handler body: feeds new messages, acks those whose rollouts are all final. */
  handleMessages(messages: readonly BusMessage[]): void;
  /** The rollout's last decision is stored and it is rolled back or completed: its messages may go. */
  markFinal(rolloutId: string): void;
  /** Messages fed but not acked yet (their evidence would be lost with this process). */
  countHeld(): number;
}

/**
 * Lagging acknowledgement of telemetry. A rollout's decisions are a deterministic function of its own
 * events in stream order (the engine's clock is the rollout's newest event time, never the wall), so
 * the only durable state the engine needs is the messages themselves: a message stays pending in the
 * consumer group until every rollout it carries events for has reached a final decision (ROLLBACK, or
 * PROMOTE of the last step) and that decision is stored. A restarted engine gets those pending
 * messages back first, in order, rebuilds the same windows, and re-makes the same decisions under the
 * same idempotency keys, which the store ignores.
 *
 * The bus only accepts acks while the handler runs, so a message held here is acked when it comes
 * back (XAUTOCLAIM after ackWaitMs re-delivers it to this consumer): a message id already fed is never
 * fed again in this process, only acked once settled.
 */
export function createTelemetryFeed(deps: TelemetryFeedDeps): TelemetryFeed {
  const { engine, eventClock } = deps;
  /** Fed, unacked message id → rollouts in it that are not final yet. */
  const held = new Map<string, Set<string>>();
  const finalRollouts = new Set<string>();
  const newestEventMs = new Map<string, number>();

  const feed = (message: BusMessage): Set<string> => {
    const waiting = new Set<string>();
    let events: readonly TelemetryEvent[] = [];
    try {
      events = deps.decode(message.payload);
    } catch (error) {
      deps.onUnreadable(error, message.id);
    }
    // A message holds runs of one rollout's events (a column group each): the rollout's newest event
    // time is looked up once per run, not once per event, and written back when the run ends.
    let rollout: string | undefined;
    let newestMs: number | undefined;
    for (const event of events) {
      if (event.rollout !== rollout) {
        if (rollout !== undefined && newestMs !== undefined) newestEventMs.set(rollout, newestMs);
        rollout = event.rollout;
        newestMs = newestEventMs.get(rollout);
        waiting.add(rollout);
      }
      const newest = newestMs === undefined || !(event.eventTimeMs <= newestMs) ? event.eventTimeMs : newestMs;
      if (Number.isFinite(newest)) {
        newestMs = newest;
        eventClock.set(newest);
      }
      engine.ingestEvent(event);
    }
    if (rollout !== undefined && newestMs !== undefined) newestEventMs.set(rollout, newestMs);
    return waiting;
  };

  return {
    handleMessages: (messages) => {
      for (const message of messages) {
        const waiting = held.get(message.id) ?? feed(message);
        for (const rollout of waiting) if (finalRollouts.has(rollout)) waiting.delete(rollout);
        if (waiting.size === 0) {
          held.delete(message.id);
          message.ack();
        } else {
          held.set(message.id, waiting);
        }
      }
    },
    markFinal: (rolloutId) => {
      finalRollouts.add(rolloutId);
    },
    countHeld: () => held.size,
  };
}
