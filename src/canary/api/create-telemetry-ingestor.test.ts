import { create } from '@bufbuild/protobuf';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../../bus/bus.js';
import { createMemoryBus } from '../../bus/memory/bus.js';
import { TelemetryEventSchema, Track } from '../gen/slipway/canary/v1/canary_pb.js';
import { compactTelemetryEvents } from './compact-telemetry-events.js';
import { createTelemetryIngestor } from './create-telemetry-ingestor.js';
import { decodeTelemetryPayload, telemetryTopic } from './decode-telemetry-payload.js';
import { nowMs, staticRolloutLookup, telemetryClock, testEvent } from './test-support/telemetry-fixtures.js';

const buses: Bus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

async function setUp() {
  const bus = createMemoryBus();
  buses.push(bus);
  const published: BusMessage[] = [];
  await bus.subscribe(telemetryTopic, { group: 'test', consumer: 'c', fromStart: true }, (messages) => {
    published.push(...messages);
    for (const message of messages) message.ack();
  });
  const ingestor = createTelemetryIngestor({ bus, rollouts: staticRolloutLookup({ 'web-42': 'web' }), clock: telemetryClock });
  return { ingestor, published };
}

async function pollUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createTelemetryIngestor', () => {
  it('publishes the accepted events and counts every rejected one by reason', async () => {
    const { ingestor, published } = await setUp();
    const good = [testEvent(), testEvent({ track: 'baseline', eventTimeMs: nowMs - 500, metrics: { bytesOut: 3 } })];
    const bad = [
      testEvent({ rollout: 'nope' }),
      testEvent({ rollout: '' }),
      testEvent({ service: 'api' }),
      testEvent({ latencyMs: Number.NaN }),
      testEvent({ latencyMs: -1 }),
      testEvent({ eventTimeMs: nowMs + 3_600_000 }),
      testEvent({ eventTimeMs: nowMs - 86_400_000 }),
      testEvent({ eventTimeMs: -5 }),
      // Another version: in the input's columns a metric of one event is every event's of the group.
      testEvent({ version: 'v3', metrics: { bytesOut: Number.POSITIVE_INFINITY } }),
    ];
    const batch = compactTelemetryEvents([...good, ...bad]);
    batch.events.push(create(TelemetryEventSchema, { service: 'web', rolloutId: 'web-42', track: Track.UNSPECIFIED, eventTimeMs: BigInt(nowMs), latencyMs: 1 }));
    const counts = await ingestor.ingest(batch);
    expect(counts).toEqual({
      batches: 1,
      accepted: 2,
      rejected: 10,
      rejectedByReason: {
        unknown_rollout: 2,
        service_mismatch: 1,
        invalid_latency: 2,
        future_event_time: 1,
        too_old: 1,
        invalid_event_time: 1,
        invalid_metric: 1,
        invalid_track: 1,
      },
    });
    await pollUntil(() => published.length === 1);
    expect(decodeTelemetryPayload(published[0]!.payload)).toEqual(good);
  });

  it('refuses a batch whose columns disagree in length, publishing nothing', async () => {
    const { ingestor, published } = await setUp();
    const batch = compactTelemetryEvents([testEvent(), testEvent()]);
    batch.columns[0]!.latencyMs.pop();
    await expect(ingestor.ingest(batch)).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('latency_ms has 1 values for 2 events') });
    await ingestor.ingest(compactTelemetryEvents([testEvent()]));
    await pollUntil(() => published.length === 1);
    expect(decodeTelemetryPayload(published[0]!.payload)).toHaveLength(1);
  });

  it('publishes nothing when nothing is accepted', async () => {
    const { ingestor, published } = await setUp();
    const counts = await ingestor.ingest(compactTelemetryEvents([testEvent({ rollout: 'nope' })]));
    expect(counts).toMatchObject({ accepted: 0, rejected: 1 });
    await ingestor.ingest(compactTelemetryEvents([testEvent()]));
    await pollUntil(() => published.length === 1);
    expect(decodeTelemetryPayload(published[0]!.payload)).toEqual([testEvent()]);
  });
});
