import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../../bus/bus.js';
import { createManualClock } from '../../clock/clock.js';
import { createCanaryEngine } from '../engine/run-engine.js';
import { DEFAULT_POLICY } from '../policy/default-policy.js';
import type { TelemetryEvent } from '../windows/telemetry-event.js';
import { createTelemetryFeed } from './create-telemetry-feed.js';

const payloads = new Map<string, TelemetryEvent[]>();

function deliver(id: string, acked: string[]): BusMessage {
  return { id, topic: 'telemetry.raw', payload: new TextEncoder().encode(id), deliveryCount: 1, ack: () => acked.push(id) };
}

function setup() {
  const eventClock = createManualClock(0);
  const engine = createCanaryEngine({ clock: eventClock, defaultPolicy: DEFAULT_POLICY, onDecision: () => {} });
  let ingested = 0;
  const counting = {
    ...engine,
    ingestEvent: (event: TelemetryEvent) => {
      ingested += 1;
      return engine.ingestEvent(event);
    },
  };
  const feed = createTelemetryFeed({
    engine: counting,
    eventClock,
    decode: (payload) => {
      const events = payloads.get(new TextDecoder().decode(payload));
      if (events === undefined) throw new Error('unreadable');
      return events;
    },
    onUnreadable: () => {},
  });
  return { feed, eventClock, ingested: () => ingested };
}

const event = (rollout: string, eventTimeMs: number): TelemetryEvent => ({ rollout, track: 'canary', eventTimeMs, latencyMs: 10, isError: false });

describe('createTelemetryFeed', () => {
  it('holds a message until every rollout in it is final, then acks it on redelivery without feeding it again', () => {
    payloads.set('1-0', [event('a', 5000), event('b', 4000)]);
    const { feed, ingested } = setup();
    const acked: string[] = [];
    feed.handleMessages([deliver('1-0', acked)]);
    expect([acked, feed.countHeld(), ingested()]).toEqual([[], 1, 2]);
    feed.markFinal('a');
    feed.handleMessages([deliver('1-0', acked)]);
    expect([acked, feed.countHeld(), ingested()]).toEqual([[], 1, 2]);
    feed.markFinal('b');
    feed.handleMessages([deliver('1-0', acked)]);
    expect([acked, feed.countHeld(), ingested()]).toEqual([['1-0'], 0, 2]);
  });

  it("clocks the engine by each rollout's own newest event time, not the wall or other rollouts", () => {
    payloads.set('2-0', [event('a', 9000), event('b', 3000), event('a', 7000)]);
    const { feed, eventClock } = setup();
    const seen: number[] = [];
    const original = eventClock.set;
    eventClock.set = (ms) => {
      seen.push(ms);
      original(ms);
    };
    feed.handleMessages([deliver('2-0', [])]);
    expect(seen).toEqual([9000, 3000, 9000]);
  });

  it('acks an unreadable message at once: a retry would fail the same way', () => {
    const { feed } = setup();
    const acked: string[] = [];
    feed.handleMessages([deliver('no-such-payload', acked)]);
    expect(acked).toEqual(['no-such-payload']);
  });
});
