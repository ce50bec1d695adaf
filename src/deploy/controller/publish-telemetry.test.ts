import { expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/index.js';
import { decodeTelemetryPayload, type IngestedEvent } from '../../canary/index.js';
import { createTelemetryPublisher, telemetryTopic } from './publish-telemetry.js';
import { createTelemetryWindow } from './telemetry-window.js';

it('publishes router events of canary rollouts to telemetry.raw as one protobuf TelemetryBatch per flush', async () => {
  const bus = createMemoryBus({});
  const messages: IngestedEvent[][] = [];
  await bus.subscribe(telemetryTopic, { group: 'test', consumer: 'c1', fromStart: true }, (delivered) => {
    for (const message of delivered) {
      messages.push(decodeTelemetryPayload(message.payload));
      message.ack();
    }
  });
  const publisher = createTelemetryPublisher(bus, { flushMs: 10_000, rolloutOf: (service) => (service === 'web' ? 'deployment-7' : undefined) });
  publisher.push({ service: 'web', version: 'v2', track: 'canary', status: 200, latencyMs: 3, timeMs: 1_000 });
  publisher.push({ service: 'web', version: 'v1', track: 'stable', status: 502, latencyMs: 4.5, timeMs: 1_002, error: 'backend reset' });
  // No backend chosen, and a service without a rollout: neither side of any comparison.
  publisher.push({ service: 'web', status: 503, latencyMs: 1, timeMs: 1_001, error: 'no backend' });
  publisher.push({ service: 'api', version: 'v9', track: 'canary', status: 200, latencyMs: 1, timeMs: 1_001 });
  await publisher.close();
  const deadline = Date.now() + 5_000;
  while (messages.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(messages).toEqual([
    [
      { service: 'web', rollout: 'deployment-7', version: 'v2', track: 'canary', eventTimeMs: 1_000, latencyMs: 3, statusCode: 200, isError: false },
      // Stable's traffic during the rollout is the baseline the canary is compared with.
      { service: 'web', rollout: 'deployment-7', version: 'v1', track: 'baseline', eventTimeMs: 1_002, latencyMs: 4.5, statusCode: 502, isError: true },
    ],
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
