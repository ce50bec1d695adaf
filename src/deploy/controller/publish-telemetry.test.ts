import { expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/index.js';
import { createTelemetryPublisher, telemetryTopic } from './publish-telemetry.js';
import { createTelemetryWindow } from './telemetry-window.js';

it('publishes router events to telemetry.raw in batches, JSON-encoded', async () => {
  const bus = createMemoryBus({});
  const received: unknown[] = [];
  await bus.subscribe(telemetryTopic, { group: 'test', consumer: 'c1', fromStart: true }, (messages) => {
    for (const message of messages) {
      received.push(JSON.parse(Buffer.from(message.payload).toString('utf8')));
      message.ack();
    }
  });
  const publisher = createTelemetryPublisher(bus, { flushMs: 10 });
  publisher.push({ service: 'web', version: 'v2', track: 'canary', status: 200, latencyMs: 3, timeMs: 1_000 });
  publisher.push({ service: 'web', status: 503, latencyMs: 1, timeMs: 1_001, error: 'no backend' });
  await publisher.close();
  const deadline = Date.now() + 5_000;
  while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(received).toEqual([
    { service: 'web', version: 'v2', track: 'canary', status: 200, latencyMs: 3, timeMs: 1_000 },
    { service: 'web', status: 503, latencyMs: 1, timeMs: 1_001, error: 'no backend' },
  ]);
  await bus.close();
});

it('counts requests and errors per version over a window of seconds', () => {
  let now = 100_000;
  const window = createTelemetryWindow({ keepMs: 60_000, now: () => now });
  const event = (version: string, status: number, timeMs: number) => window.record({ service: 'web', version, status, latencyMs: 1, timeMs });
  event('v2', 200, 90_000);
  event('v2', 500, 95_500);
  event('v2', 200, 99_000);
  event('v1', 500, 99_000);
  expect(window.count('web', 'v2', 95_000)).toEqual({ requests: 2, errors: 1 });
  expect(window.count('web', 'v2', 0)).toEqual({ requests: 3, errors: 1 });
  now = 200_000;
  event('v2', 200, 199_000);
  expect(window.count('web', 'v2', 0)).toEqual({ requests: 1, errors: 0 });
});
